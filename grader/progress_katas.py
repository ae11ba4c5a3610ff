"""Kata progress in the store: attempts with their verdicts, hints shown, and what the learner did with a kata
(started it, gave up). A mixin of grader.progress.Store, which provides `_write` and `_rows`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

# What `kata_statuses` says about a kata, from least to most done.
NEW, STARTED, ATTEMPTED, PASSED, GIVEN_UP = "new", "started", "attempted", "passed", "given up"
STATUSES = (NEW, STARTED, ATTEMPTED, PASSED, GIVEN_UP)
EVENTS = ("started", "given_up")


def _stamp() -> str:
    return datetime.now(UTC).isoformat()


class KataProgress:
    def record_kata_attempt(self, slug: str, verdict: str, duration_s: float, file: str | None = None) -> None:
        with self._write() as c:
            c.execute(
                "INSERT INTO kata_attempts (slug, verdict, duration_s, file, attempted_at) VALUES (?, ?, ?, ?, ?)",
                (slug, verdict, float(duration_s), file, _stamp()),
            )

    def record_kata_event(self, slug: str, event: str) -> None:
        """Note that the learner `started` a kata or `given_up` on it (saw the solution without passing)."""
        if event not in EVENTS:
            raise ValueError(f"unknown kata event {event!r}; expected one of {', '.join(EVENTS)}")
        with self._write() as c:
            c.execute("INSERT INTO kata_events (slug, event, at) VALUES (?, ?, ?)", (slug, event, _stamp()))

    def kata_status(self) -> dict[str, str]:
        """slug -> "passed" if any attempt passed, else the latest verdict (katas with attempts only)."""
        rows = self._rows("SELECT slug, verdict FROM kata_attempts ORDER BY id")
        out: dict[str, str] = {}
        for slug, verdict in rows:
            if out.get(slug) != "passed":
                out[slug] = verdict
        return dict(sorted(out.items()))

    def kata_statuses(self, slugs: Iterable[str] = ()) -> dict[str, str]:
        """slug -> new, started, attempted, passed or given up; every slug in `slugs` is present (new if
        nothing is known), plus every kata the store knows about.

        A pass is final. Giving up (seeing the solution before a pass) outlasts later failed attempts: the
        learner has seen the answer. Otherwise any graded attempt makes it `attempted`, a start `started`.
        """
        out = dict.fromkeys(slugs, NEW)
        for (slug,) in self._rows("SELECT DISTINCT slug FROM kata_events WHERE event = 'started'"):
            out[slug] = STARTED
        for slug, passed in self._rows("SELECT slug, MAX(verdict = 'passed') FROM kata_attempts GROUP BY slug"):
            out[slug] = PASSED if passed else ATTEMPTED
        for (slug,) in self._rows("SELECT DISTINCT slug FROM kata_events WHERE event = 'given_up'"):
            if out.get(slug) != PASSED:
                out[slug] = GIVEN_UP
        return dict(sorted(out.items()))

    def kata_activity(self) -> list[str]:
        """UTC ISO times of every kata attempt and event (for the activity heatmap and the streak)."""
        rows = self._rows("SELECT attempted_at FROM kata_attempts UNION ALL SELECT at FROM kata_events")
        return [t for (t,) in rows]

    def hints_shown(self, slug: str) -> int:
        rows = self._rows("SELECT shown FROM kata_hints WHERE slug = ?", slug)
        return rows[0][0] if rows else 0

    def record_hint(self, slug: str) -> int:
        """Count one more hint shown for `slug`; returns the new count."""
        with self._write() as c:
            c.execute(
                "INSERT INTO kata_hints (slug, shown) VALUES (?, 1) ON CONFLICT (slug) DO UPDATE SET shown = shown + 1",
                (slug,),
            )
            return c.execute("SELECT shown FROM kata_hints WHERE slug = ?", (slug,)).fetchone()[0]
