"""Progress in numbers for `dojo stats`, `dojo topics` and `dojo next`: plain dicts, ready for JSON or a table.

"Due now" is computed exactly as `dojo quiz --review` chooses (grader.quiz.pool_for over the questions whose
answer holds on the target Python), so the two never disagree.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from grader import quiz as engine
from grader.models import Bank
from grader.progress import Store, streak

HEATMAP_WEEKS = 12
FORECAST_DAYS = 7


def _pct(correct: int, answered: int) -> float | None:
    return round(100 * correct / answered, 1) if answered else None


def topic_rows(store: Store, bank: Bank, history: dict | None = None) -> list[dict]:
    """One row per topic of the bank (plus topics answered earlier that the bank no longer has).

    `mastered`: questions of the topic whose latest answer was right (what the per-topic bar shows)."""
    history = store.history() if history is None else history
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
                "mastered": sum(1 for q in t.questions if (h := history.get(q.id)) and h.last_correct),
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
                "mastered": 0,
                "answered": s.answered,
                "correct": s.correct,
                "accuracy": _pct(s.correct, s.answered),
            }
        )
    return rows


def end_of_today(now: datetime) -> datetime:
    local = now.astimezone()
    return datetime.combine(local.date() + timedelta(days=1), time(), tzinfo=local.tzinfo).astimezone(UTC)


def reviewable(bank: Bank, python: tuple[int, int] | None = None) -> list:
    """The questions `dojo quiz --review` draws from: those whose answer holds on `python` (default: ours)."""
    from grader.versions import running

    return engine.filter_questions(bank.questions, python=python or running())


def forecast(dues: list[datetime], today: date, days: int = FORECAST_DAYS) -> list[dict]:
    """Reviews per local day for `days` days from today; today includes everything overdue."""
    counts = [0] * days
    for d in dues:
        offset = max(0, (d.astimezone().date() - today).days)
        if offset < days:
            counts[offset] += 1
    return [{"date": (today + timedelta(days=i)).isoformat(), "due": n} for i, n in enumerate(counts)]


def activity(per_day: dict[date, int], today: date, weeks: int = HEATMAP_WEEKS) -> list[dict]:
    """One entry per day of the last `weeks` whole weeks (Monday first), ending with the week of `today`."""
    start = today - timedelta(days=today.weekday() + 7 * (weeks - 1))
    return [
        {"date": (start + timedelta(days=i)).isoformat(), "count": per_day.get(start + timedelta(days=i), 0)}
        for i in range((today - start).days + 1)
    ]


def collect(store: Store, bank: Bank, now: datetime | None = None, python: tuple[int, int] | None = None) -> dict:
    now = now or datetime.now(UTC)
    today = now.astimezone().date()
    answered, correct = store.totals()
    history = store.history()
    ids = {q.id for q in bank.questions}
    pool = reviewable(bank, python)
    due_now = len(engine.pool_for("review", pool, history, now))
    pool_ids = {q.id for q in pool}
    dues = [d for qid, d in store.next_due().items() if qid in pool_ids and d is not None]
    later_today = sum(1 for d in dues if now < d <= end_of_today(now))
    upcoming = min((d for d in dues if d > now), default=None)
    katas = store.kata_statuses(k.slug for k in bank.katas)
    per_day = store.activity()
    return {
        "answered": answered,
        "correct": correct,
        "accuracy": _pct(correct, answered),
        "questions_total": len(ids),
        "questions_seen": sum(1 for qid in history if qid in ids),
        "due_now": due_now,
        "mistakes": len(engine.pool_for("mistakes", pool, history, now)),
        "due_later_today": later_today,
        "due_today": due_now + later_today,
        "next_review_at": upcoming.isoformat() if upcoming else None,
        "streak_days": streak(set(per_day), today),
        "katas_passed": sum(1 for k in bank.katas if katas.get(k.slug) == "passed"),
        "katas_total": len(bank.katas),
        "katas": katas,
        "topics": [r for r in topic_rows(store, bank, history) if r["answered"]],
        "all_topics": topic_rows(store, bank, history),
        "forecast": forecast(dues, today),
        "activity": activity(per_day, today),
    }
