"""A tiny bank: accounts with one lock each, transfers between them, and an audit of the total.

Under load it sometimes stops: every thread waits for a lock and none of them ever gets it.
"""

import threading
from contextlib import ExitStack


class Account:
    def __init__(self, id: int, balance: int) -> None:
        self.id = id
        self.balance = balance
        self.lock = threading.Lock()


def transfer(src: Account, dst: Account, amount: int) -> None:
    """Move `amount` from src to dst (src != dst). Overdrafts are allowed: balances may go negative."""
    with src.lock:  # noqa: SIM117 (two steps on purpose: the source's lock first, then the destination's)
        with dst.lock:
            src.balance -= amount
            dst.balance += amount


def audit(accounts: list[Account]) -> int:
    """Return the sum of all balances as one consistent snapshot: no transfer may be half done while we count."""
    with ExitStack() as held:
        for account in accounts:
            held.enter_context(account.lock)
        return sum(account.balance for account in accounts)
