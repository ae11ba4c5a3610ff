"""Grading for lock-ordering-deadlock: transfers in both directions (and audits) from several threads at once.

The balances live in the judge's ledger: reading or setting `account.balance` in your process is a call to the
judge, and the calling thread waits for the answer with the GIL released, as with a real database. So the threads
really interleave while they hold locks; no tracer or switch interval is needed to make a deadlock happen, and
nothing in your process can stop them from interleaving. The judge draws every transfer with an amount of its
own, so it knows which transfer each balance change belongs to. It sees:
- progress: every read and write of a balance. Nothing heard for STALL_S while work remains is a deadlock; the
  report then shows where each worker is stuck (from inside your process: it explains, it does not decide);
- every transfer, leg by leg: a write that changes a balance by anything but the amount of a transfer still to
  come erased another transfer's update; a transfer whose legs never come vanished;
- two transfers in progress at the same moment, which one lock for the whole bank never allows;
- each audit's window (its start and end are calls to the judge) and every state of the ledger inside it: the
  answer must be the audited accounts' total at a moment when no transfer touching them was half done.
"""

import random
import threading
import time
from typing import Any

import submission

from grader import katakit

ACCOUNTS = 5
WORKERS = 4
TRANSFERS_PER_WORKER = 150
AUDITS = 60
STALL_S = 3.0  # nothing heard from anyone for this long while work remains: deadlocked
DEADLINE_S = 20.0  # progress, but not finished: far too slow
MIN_OVERLAP = 5  # moments with two transfers half done at once; ordered per-account locks give 80-170 of 600
MIN_AUDITS_DURING = AUDITS // 4  # audits with balances changing inside their window; honest runs: 50-60 of 60
WHERE_S = 3.0  # how long the explanation from inside the host may take


class Ledger:
    """The bank's balances, kept by the judge, with every state they went through."""

    def __init__(self, rng: random.Random, transfers: list[tuple[int, int, int]], ids: list[int]) -> None:
        self.ids = ids
        self.index = {account_id: i for i, account_id in enumerate(ids)}
        self.balances = [rng.randrange(100, 10_000) for _ in ids]
        self.initial = list(self.balances)
        self.transfers = transfers
        # Amounts are unique, so a change of a balance names its transfer: (account index, change) -> transfer.
        self.legs: dict[tuple[int, int], int] = {}
        for n, (s, d, amount) in enumerate(transfers):
            self.legs[(s, -amount)] = n
            self.legs[(d, amount)] = n
        self.half_done: dict[int, tuple[int, int]] = {}  # transfer -> its two accounts, one leg applied
        self.done = 0
        self.overlap = 0  # moments with two transfers half done at once
        self.erased: list[str] = []  # writes that erased another transfer's update
        self.history: list[tuple[tuple[int, ...], frozenset[int]]] = [(tuple(self.balances), frozenset())]
        self.heard = 0  # every call counts as progress
        self._lock = threading.Lock()  # the judge serves calls on several threads

    def _at(self, account_id: int) -> int:
        if type(account_id) is not int or account_id not in self.index:
            raise KeyError(f"no account {account_id!r} in this bank")
        return self.index[account_id]

    def read_balance(self, account_id: int) -> int:
        i = self._at(account_id)
        with self._lock:
            self.heard += 1
            return self.balances[i]

    def write_balance(self, account_id: int, value: int) -> None:
        i = self._at(account_id)
        if type(value) is not int:
            raise TypeError(f"a balance is an int, not {type(value).__name__}")
        with self._lock:
            self.heard += 1
            change = value - self.balances[i]
            self.balances[i] = value
            if change:
                self._leg(i, change, value)
            touched = frozenset(a for pair in self.half_done.values() for a in pair)
            self.history.append((tuple(self.balances), touched))

    def _leg(self, i: int, change: int, value: int) -> None:
        n = self.legs.pop((i, change), None)
        if n is None:
            if len(self.erased) < 3:
                self.erased.append(
                    f"account {self.ids[i]} was set to {value}, a change of {change:+d} that matches no transfer "
                    "still to come"
                )
            else:
                self.erased.append("")
            return
        s, d, _ = self.transfers[n]
        if n in self.half_done:
            del self.half_done[n]
            self.done += 1
        else:
            self.half_done[n] = (s, d)
            self.overlap += len(self.half_done) > 1

    def consistent_totals(self, subset: list[int], first: int, last: int) -> set[int]:
        """The subset's totals in the states first..last in which no transfer touching it was half done."""
        with self._lock:
            states = self.history[first : last + 1]
        accounts = set(subset)
        return {sum(state[i] for i in subset) for state, touched in states if not touched & accounts}

    def expected(self) -> list[int]:
        want = list(self.initial)
        for s, d, amount in self.transfers:
            want[s] -= amount
            want[d] += amount
        return want


class Audits:
    """The judge's end of the audits: each one's window in the ledger's history, and its answer.

    One auditor thread runs them in order, so each window must open after the previous one closed: a window
    opened early (a forged report) would let a remembered total pass as a fresh one."""

    def __init__(self, ledger: Ledger, subsets: list[list[int]]) -> None:
        self.ledger, self.subsets = ledger, subsets
        self.begun: dict[int, int] = {}
        self.answers: dict[int, tuple[Any, int]] = {}
        self.out_of_order: str | None = None

    def audit_begin(self, k: int) -> None:
        with self.ledger._lock:
            self.ledger.heard += 1
            if k != len(self.answers) or k in self.begun:
                self.out_of_order = self.out_of_order or f"audit {k} began before audit {len(self.answers)} ended"
            self.begun.setdefault(k, len(self.ledger.history) - 1)

    def audit_end(self, k: int, total: Any) -> None:
        with self.ledger._lock:
            self.ledger.heard += 1
            if k not in self.begun or k in self.answers or k != len(self.answers):
                self.out_of_order = self.out_of_order or f"audit {k} ended out of turn"
            self.answers.setdefault(k, (total, len(self.ledger.history) - 1))

    def during_transfers(self) -> int:
        """How many audits had balances change while they ran (the transfers went on meanwhile)."""
        return sum(1 for k, (_, last) in self.answers.items() if k in self.begun and last > self.begun[k])

    def wrong(self) -> list[str]:
        bad = []
        for k, subset in enumerate(self.subsets):
            if k not in self.answers or k not in self.begun:
                continue
            total, last = self.answers[k]
            right = self.ledger.consistent_totals(subset, self.begun[k], last)
            if type(total) is not int or total not in right:
                ids = ", ".join(str(self.ledger.ids[i]) for i in subset)
                bad.append(f"audit([{ids}]) returned {total!r}; consistent totals then: {sorted(right)}")
        return bad


class Workers:
    """The judge's view of the worker threads: which finished, which raised."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.finished_names: set[str] = set()
        self.errors: list[str] = []

    def finished(self, name: str) -> None:
        with self.ledger._lock:
            self.ledger.heard += 1
            self.finished_names.add(str(name))

    def crashed(self, name: str, message: str) -> None:
        with self.ledger._lock:
            self.ledger.heard += 1
            self.errors.append(f"{name}: {message}")


# ---------------------------------------------------------------- the bank and its work


def _bank(rng: random.Random, transfers: list[tuple[int, int, int]]) -> tuple[Ledger, list[Any]]:
    ids = rng.sample(range(100, 1000), ACCOUNTS)
    ledger = Ledger(rng, transfers, ids)
    accounts = [submission.Account(i, ledger.read_balance, ledger.write_balance) for i in ids]
    return ledger, accounts


def _transfers(rng: random.Random) -> dict[str, list[tuple[int, int, int]]]:
    """Random transfers in both directions, each with an amount no other transfer has."""
    amounts = iter(rng.sample(range(1, 1_000_000), WORKERS * TRANSFERS_PER_WORKER))
    return {
        f"transfer-{w}": [(*rng.sample(range(ACCOUNTS), 2), next(amounts)) for _ in range(TRANSFERS_PER_WORKER)]
        for w in range(WORKERS)
    }


def _explain(ledger: Ledger, stalled_for: float) -> str:
    box: list[Any] = []
    asker = threading.Thread(target=lambda: box.append(katakit.driver().where()), daemon=True)
    asker.start()
    asker.join(WHERE_S)
    lines = [
        f"Deadlock: the ledger heard from nobody for {stalled_for:.1f} s, with {ledger.done} of "
        f"{len(ledger.transfers)} transfers done."
    ]
    if box and isinstance(box[0], dict):
        held = ", ".join(str(h) for h in box[0].get("held", [])) or "none"
        lines[0] += f" Account locks held: {held}."
        lines += [f"  {name}: {where}" for name, where in dict(box[0].get("workers", {})).items()]
    lines.append(
        "Threads that hold one lock wait for a lock another one holds, in a cycle. Take the locks in one "
        "global order (e.g. by account id) in every function that holds more than one."
    )
    return "\n".join(lines)


def _run(ledger: Ledger, accounts: list[Any], jobs: dict[str, list], audits: Audits | None) -> Workers:
    """Start the workers in your process and watch the ledger until every job is done; fail on a deadlock."""
    workers = Workers(ledger)
    audits = audits or Audits(ledger, [])
    names = set(jobs) | ({"auditor"} if audits.subsets else set())
    katakit.driver().start(
        accounts,
        {name: [list(t) for t in calls] for name, calls in jobs.items()},
        audits.subsets,
        audits.audit_begin,
        audits.audit_end,
        workers.finished,
        workers.crashed,
    )
    began = last_change = time.monotonic()
    last = -1
    while not (names <= workers.finished_names) and not workers.errors:
        time.sleep(0.05)
        now, heard = time.monotonic(), ledger.heard
        if heard != last:
            last, last_change = heard, now
        elif now - last_change > STALL_S:
            message = _explain(ledger, now - last_change)
            katakit.note(message)
            raise AssertionError(message)
        if now - began > DEADLINE_S:
            raise AssertionError(
                f"the threads were still working after {DEADLINE_S:.0f} s ({ledger.done} of "
                f"{len(ledger.transfers)} transfers done): far slower than it should be"
            )
    assert not workers.errors, f"an operation raised in a worker thread: {workers.errors[0]}"
    return workers


def _check_transfers(ledger: Ledger) -> None:
    if ledger.erased:
        raise AssertionError(
            f"{len(ledger.erased)} balance write(s) erased another transfer's update: "
            f"{ledger.erased[0]}. Two transfers read the same balance and the later write won. Both locks must be "
            "held while a transfer reads and writes the balances."
        )
    vanished = len(ledger.transfers) - ledger.done
    assert not vanished, (
        f"{vanished} of {len(ledger.transfers)} transfers never happened: their money stayed where it was, so the "
        "total still adds up, but the transfers vanished. Every transfer must happen, exactly once: giving up "
        "when a lock is slow to come hides the deadlock instead of fixing it (releasing everything and retrying "
        "the whole transfer is fine)."
    )
    got, want = ledger.balances, ledger.expected()
    wrong = [(ledger.ids[i], g, w) for i, (g, w) in enumerate(zip(got, want, strict=True)) if g != w]
    assert not wrong, (
        f"{len(wrong)} account(s) have the wrong balance (account {wrong[0][0]}: {wrong[0][1]}, expected "
        f"{wrong[0][2]})"
    )


def _check_concurrency(ledger: Ledger) -> None:
    assert ledger.overlap >= MIN_OVERLAP, (
        f"in {len(ledger.transfers)} transfers the ledger saw two of them in progress at the same moment only "
        f"{ledger.overlap} time(s): they took turns. One lock for the whole bank is deadlock-free, but then a transfer between two "
        "accounts waits for every other transfer. Lock only the two accounts a transfer touches, in one "
        "global order."
    )


# ---------------------------------------------------------------- tests


def test_one_transfer_and_one_audit() -> None:
    rng = random.Random()
    ledger, accounts = _bank(rng, [(0, 1, 42)])
    submission.transfer(accounts[0], accounts[1], 42)
    _check_transfers(ledger)
    total = submission.audit(accounts)
    assert total == sum(ledger.balances), f"audit() returned {total!r}, expected {sum(ledger.balances)}"
    held = katakit.driver().held_locks(accounts)  # from inside your process: it can only fail
    assert not held, f"the lock of account(s) {held} was left held after transfer() and audit() returned"


def test_transfers_both_ways_never_deadlock() -> None:
    rng = random.Random()
    jobs = _transfers(rng)
    ledger, accounts = _bank(rng, [t for calls in jobs.values() for t in calls])
    _run(ledger, accounts, jobs, None)
    _check_transfers(ledger)
    _check_concurrency(ledger)


def test_audits_during_transfers_see_a_consistent_total() -> None:
    rng = random.Random()
    jobs = _transfers(rng)
    ledger, accounts = _bank(rng, [t for calls in jobs.values() for t in calls])
    # Callers pass the accounts in any order, and audit only some of them: money moves in and out of those.
    subsets = [rng.sample(range(ACCOUNTS), rng.randrange(2, ACCOUNTS + 1)) for _ in range(AUDITS)]
    audits = Audits(ledger, subsets)
    _run(ledger, accounts, jobs, audits)
    _check_transfers(ledger)
    _check_concurrency(ledger)
    missing = AUDITS - len(audits.answers)
    assert not missing, f"{missing} of {AUDITS} audits never reported an answer"
    assert audits.out_of_order is None, f"the audits were reported out of turn: {audits.out_of_order}"
    during = audits.during_transfers()
    assert during >= MIN_AUDITS_DURING, (
        f"only {during} of {AUDITS} audits ran while balances were changing: the audits must run during the "
        "transfers, at the same time (is something making them wait for all transfers, or run before them?)"
    )
    bad = audits.wrong()
    assert not bad, (
        f"{len(bad)} of {AUDITS} audits returned a total the audited accounts never had while no transfer "
        f"touching them was half done (e.g. {bad[0]}). audit() must hold the lock of every account it adds up, "
        "and read them all while it holds them."
    )
