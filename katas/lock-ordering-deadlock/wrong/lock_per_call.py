"""Wrong: no deadlock, because nothing is really locked any more: each call creates its own lock."""

import threading


class Account:
    def __init__(self, id: int, balance: int) -> None:
        self.id = id
        self.balance = balance
        self.lock = threading.Lock()


def transfer(src: Account, dst: Account, amount: int) -> None:
    lock = threading.Lock()
    with lock:
        src.balance -= amount
        dst.balance += amount


def audit(accounts: list[Account]) -> int:
    lock = threading.Lock()
    with lock:
        return sum(account.balance for account in accounts)
