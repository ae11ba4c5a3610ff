"""Wrong: avoid the hang by giving up when the second lock does not come quickly. No thread hangs any more, but
the transfers that gave up never happen: the money stays where it was (the total still adds up), and the
transfer silently vanishes. Timing out is fine if you then release everything and retry; skipping is not."""

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
        return self._read(self.id)

    @balance.setter
    def balance(self, value: int) -> None:
        self._write(self.id, value)


def transfer(src: Account, dst: Account, amount: int) -> None:
    with src.lock:
        if not dst.lock.acquire(timeout=0.01):
            return  # looks like a deadlock: skip this transfer
        try:
            src.balance -= amount
            dst.balance += amount
        finally:
            dst.lock.release()


def audit(accounts: list[Account]) -> int:
    with ExitStack() as held:
        for account in sorted(accounts, key=lambda a: a.id):
            held.enter_context(account.lock)
        return sum(account.balance for account in accounts)
