"""Wrong: avoid the hang by giving up when the second lock does not come quickly. No thread hangs any more, but
the transfers that gave up are silently lost, so the balances are wrong."""

import threading
from contextlib import ExitStack


class Account:
    def __init__(self, id: int, balance: int) -> None:
        self.id = id
        self.balance = balance
        self.lock = threading.Lock()


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
