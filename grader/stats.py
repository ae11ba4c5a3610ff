"""Progress in numbers for `dojo stats` and `dojo topics`: plain dicts, ready for JSON or a table."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from grader.models import Bank
from grader.progress import Store, streak


def _pct(correct: int, answered: int) -> float | None:
    return round(100 * correct / answered, 1) if answered else None


def topic_rows(store: Store, bank: Bank) -> list[dict]:
    """One row per topic of the bank (plus topics answered earlier that the bank no longer has)."""
    done = {t.topic: t for t in store.per_topic()}
    rows = []
    for t in bank.topics:
        s = done.pop(t.slug, None)
        answered, correct = (s.answered, s.correct) if s else (0, 0)
        rows.append(
            {
                "topic": t.slug,
                "title": t.title,
                "questions": len(t.questions),
                "seen": s.questions_seen if s else 0,
                "answered": answered,
                "correct": correct,
                "accuracy": _pct(correct, answered),
            }
        )
    for slug, s in sorted(done.items()):
        rows.append(
            {
                "topic": slug,
                "title": "(not in the loaded banks)",
                "questions": 0,
                "seen": s.questions_seen,
                "answered": s.answered,
                "correct": s.correct,
                "accuracy": _pct(s.correct, s.answered),
            }
        )
    return rows


def end_of_today(now: datetime) -> datetime:
    local = now.astimezone()
    return datetime.combine(local.date() + timedelta(days=1), time(), tzinfo=local.tzinfo).astimezone(UTC)


def collect(store: Store, bank: Bank, now: datetime | None = None) -> dict:
    now = now or datetime.now(UTC)
    answered, correct = store.totals()
    ids = {q.id for q in bank.questions}
    due = [qid for qid in store.due(end_of_today(now)) if qid in ids]
    katas = store.kata_status()
    return {
        "answered": answered,
        "correct": correct,
        "accuracy": _pct(correct, answered),
        "questions_total": len(ids),
        "questions_seen": sum(1 for qid in store.history() if qid in ids),
        "due_today": len(due),
        "streak_days": streak(store.active_days(), now.astimezone().date()),
        "katas_passed": sum(1 for v in katas.values() if v == "passed"),
        "katas_total": len(bank.katas),
        "katas": katas,
        "topics": [r for r in topic_rows(store, bank) if r["answered"]],
    }
