"""Wrong: no deadlock, because nothing is really locked any more: each call creates its own lock, so two
transfers read the same balance and the later write erases the earlier one's update."""

import threading
from collections.abc import Callable


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
    lock = threading.Lock()
    with lock:
        src.balance -= amount
        dst.balance += amount


def audit(accounts: list[Account]) -> int:
    lock = threading.Lock()
    with lock:
        return sum(account.balance for account in accounts)
