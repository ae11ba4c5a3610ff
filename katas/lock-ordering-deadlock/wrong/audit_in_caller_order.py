"""Wrong: transfer() locks by id, but audit() locks in whatever order the caller passed the accounts in. Every
path that holds two locks at once must follow the same order, or audits and transfers deadlock each other."""

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
    first, second = sorted((src, dst), key=lambda a: a.id)
    with first.lock, second.lock:
        src.balance -= amount
        dst.balance += amount


def audit(accounts: list[Account]) -> int:
    with ExitStack() as held:
        for account in accounts:
            held.enter_context(account.lock)
        return sum(account.balance for account in accounts)
