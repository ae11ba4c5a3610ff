"""A tiny bank whose threads can never deadlock: every function takes account locks in one global order.

A deadlock needs a cycle: thread 1 holds A and waits for B while thread 2 holds B and waits for A. transfer(a, b)
and transfer(b, a) running at the same time make exactly that cycle when each locks "source, then destination".
If every code path takes locks in the same order (here: by account id, which never changes), a thread only ever
waits for a lock that comes later in that order than all the locks it holds, so no cycle can form.
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


def _by_id(account: Account) -> int:
    return account.id


def transfer(src: Account, dst: Account, amount: int) -> None:
    """Move `amount` from src to dst (src != dst). Overdrafts are allowed: balances may go negative."""
    first, second = sorted((src, dst), key=_by_id)  # the lock order, whatever the direction of the money
    with first.lock, second.lock:
        src.balance -= amount
        dst.balance += amount


def audit(accounts: list[Account]) -> int:
    """Return the sum of these balances as one consistent snapshot: no transfer may be half done while we count."""
    with ExitStack() as held:
        for account in sorted(accounts, key=_by_id):  # the same global order as transfer(), not the caller's order
            held.enter_context(account.lock)
        return sum(account.balance for account in accounts)


# A single lock for the whole bank is also deadlock-free and correct, but only one transfer can run at a time;
# this kata asks for transfers between different accounts to run at the same time, as real systems need.
# Another legitimate technique: take the first lock, try the second with a timeout, and if it does not come,
# release everything, wait a random moment and retry the whole transfer. Only skipping the transfer is wrong.
