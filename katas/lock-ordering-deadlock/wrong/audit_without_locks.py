"""Wrong: transfers lock in id order, but audit() takes no lock ("it only reads"). It adds up balances one by
one while transfers go on, so it can count money that left one account and has not yet arrived in the other, or
count a transfer's amount twice: a total the bank never had."""

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
    first, second = sorted((src, dst), key=lambda a: a.id)
    with first.lock, second.lock:
        src.balance -= amount
        dst.balance += amount


def audit(accounts: list[Account]) -> int:
    return sum(account.balance for account in accounts)
