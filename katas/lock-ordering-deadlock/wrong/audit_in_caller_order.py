"""Wrong: transfer() locks by id, but audit() locks in whatever order the caller passed the accounts in. Every
path that holds two locks at once must follow the same order, or audits and transfers deadlock each other."""

import threading
from contextlib import ExitStack


class Account:
    def __init__(self, id: int, balance: int) -> None:
        self.id = id
        self.balance = balance
        self.lock = threading.Lock()


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
