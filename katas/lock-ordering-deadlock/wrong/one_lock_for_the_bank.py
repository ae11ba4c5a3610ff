"""Wrong (here): one lock for the whole bank. It cannot deadlock and every balance is right, but only one
transfer runs at a time: a transfer between two accounts waits for every other transfer in the bank. This kata
asks for transfers that touch different accounts to go on at the same time."""

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


_bank = threading.Lock()


def transfer(src: Account, dst: Account, amount: int) -> None:
    with _bank:
        src.balance -= amount
        dst.balance += amount


def audit(accounts: list[Account]) -> int:
    with _bank:
        return sum(account.balance for account in accounts)
