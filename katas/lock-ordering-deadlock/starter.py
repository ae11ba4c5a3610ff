"""A tiny bank: accounts with one lock each, transfers between them, and an audit of their total.

The balances live in the bank's ledger, a separate service: reading `account.balance` asks it, and setting it
tells it. Under load the bank sometimes stops: every thread waits for a lock and none of them ever gets it.
"""

import threading
from collections.abc import Callable
from contextlib import ExitStack


class Account:
    def __init__(
        self, id: int, read_balance: Callable[[int], int], write_balance: Callable[[int, int], None]
    ) -> None:
        self.id = id
        self.lock = threading.Lock()
        self._read, self._write = read_balance, write_balance

    @property
    def balance(self) -> int:
        return self._read(self.id)  # a call to the ledger: the thread waits for the answer

    @balance.setter
    def balance(self, value: int) -> None:
        self._write(self.id, value)


def transfer(src: Account, dst: Account, amount: int) -> None:
    """Move `amount` from src to dst (src != dst). Overdrafts are allowed: balances may go negative."""
    with src.lock:  # noqa: SIM117 (two steps on purpose: the source's lock first, then the destination's)
        with dst.lock:
            src.balance -= amount
            dst.balance += amount


def audit(accounts: list[Account]) -> int:
    """Return the sum of these balances as one consistent snapshot: no transfer may be half done while we count."""
    with ExitStack() as held:
        for account in accounts:
            held.enter_context(account.lock)
        return sum(account.balance for account in accounts)
