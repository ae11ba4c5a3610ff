"""The learner's progress: one SQLite file (stdlib) at data_home()/progress.sqlite3 (DESIGN section 4).

Append-only `reviews` (one row per answer), FSRS card state per question, kata attempts and kata hints.
Every write is its own short `BEGIN IMMEDIATE` transaction, so an answer is on disk as soon as it is given, and
WAL plus a busy timeout let two `dojo` processes write at once without losing anything. The schema version lives
in `PRAGMA user_version`; a file that is corrupt, foreign or from a newer version raises ProgressError and is
never modified.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from grader import srs
from grader.errors import DojoError, ProgressError
from grader.progress_katas import KataProgress
from grader.progress_schema import MIGRATIONS, OUR_TABLES, SCHEMA_VERSION
from grader.quiz import History

FILE_NAME = "progress.sqlite3"
BUSY_TIMEOUT_S = 15.0


def default_path() -> Path:
    from grader.paths import data_home

    return data_home() / FILE_NAME


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(t: datetime) -> str:
    return t.astimezone(UTC).isoformat()


def _time(s: str | None) -> datetime | None:
    return datetime.fromisoformat(s) if s else None


@dataclass(frozen=True, slots=True)
class Answer:
    """One answer to record."""

    question_id: str
    topic: str
    qtype: str
    answer: str
    correct: bool
    score: float
    rating: int  # FSRS rating 1-4
    hints: int = 0
    duration_s: float | None = None
    mode: str = "practice"
    session: str = ""


@dataclass(frozen=True, slots=True)
class TopicStats:
    topic: str
    answered: int
    correct: int
    questions_seen: int


class Store(KataProgress):
    """The progress file. Open with `Store.open()`; use as a context manager or call `close()`."""

    def __init__(self, conn: sqlite3.Connection, path: Path, *, fuzz: bool = True) -> None:
        self._conn = conn
        self.path = path
        self.fuzz = fuzz  # FSRS interval fuzzing; tests turn it off for exact due dates

    @classmethod
    def open(cls, path: Path | None = None, *, fuzz: bool = True) -> Store:
        from grader.paths import check_writable

        path = Path(path) if path is not None else default_path()
        # Permission problems are reported here, with their fix, before any work starts (issue 10, point 10).
        check_writable(path.parent, path.name)
        try:
            conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except sqlite3.Error as e:
            raise ProgressError(f"cannot open progress file {path}: {e}") from None
        store = cls(conn, path, fuzz=fuzz)
        try:
            store._setup()
        except BaseException:
            conn.close()
            raise
        return store

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- setup and migrations ------------------------------------------------------------------------------

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Turn SQLite failures into one clear ProgressError; the file is left as it is."""
        try:
            yield
        except sqlite3.OperationalError as e:
            if "readonly" in str(e) or "read-only" in str(e):
                raise self._read_only(e) from None
            if "locked" in str(e) or "busy" in str(e):
                raise ProgressError(
                    f"progress file {self.path} stayed locked by another program for {BUSY_TIMEOUT_S:.0f} s",
                    hint="Another dojo may be stuck; close it and try again.",
                ) from None
            raise self._unreadable(e) from None
        except sqlite3.DatabaseError as e:
            raise self._unreadable(e) from None

    def _read_only(self, e: Exception) -> DojoError:
        # Permissions changed after the check in `open` (or a read-only mount): never advise moving progress away.
        from grader.paths import HomeError, write_access_hint

        return HomeError(
            f"progress file {self.path} cannot be written: {e}",
            hint=write_access_hint(self.path.parent, is_dir=True),
        )

    def _unreadable(self, e: Exception) -> ProgressError:
        return ProgressError(
            f"progress file {self.path} cannot be read: {e}",
            hint=f"It was left untouched. Move it away to start afresh (mv '{self.path}' '{self.path}.bak'), "
            "or set DOJO_HOME to use another folder.",
        )

    def _version(self) -> int:
        return self._conn.execute("PRAGMA user_version").fetchone()[0]

    def _too_new(self, version: int) -> ProgressError:
        return ProgressError(
            f"progress file {self.path} was written by a newer Concurrency Dojo "
            f"(schema version {version}; this one understands up to {SCHEMA_VERSION})",
            hint="Upgrade dojo (the file was left untouched), or set DOJO_HOME to use another folder.",
        )

    def _setup(self) -> None:
        with self._guard():
            version = self._version()
            if version > SCHEMA_VERSION:
                raise self._too_new(version)
            if version < SCHEMA_VERSION:
                self._migrate()
            if self._conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                self._conn.execute("PRAGMA journal_mode=WAL")
            # An answer must survive a crash right after it is given.
            self._conn.execute("PRAGMA synchronous=FULL")

    def _migrate(self) -> None:
        with self._write():
            version = self._version()  # again, under the write lock: another process may have migrated
            if version > SCHEMA_VERSION:
                raise self._too_new(version)
            if version == 0:
                tables = {r[0] for r in self._conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
                if tables - OUR_TABLES:
                    raise ProgressError(
                        f"{self.path} is an SQLite file, but not a Concurrency Dojo progress file "
                        f"(it has tables {', '.join(sorted(tables))})",
                        hint="It was left untouched. Set DOJO_HOME to use another folder.",
                    )
            for step in MIGRATIONS[version:]:
                for sql in step:
                    self._conn.execute(sql)
            self._conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One IMMEDIATE transaction: takes the write lock up front, so read-modify-write cannot interleave."""
        with self._guard():
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _rows(self, sql: str, *args: object) -> list[tuple]:
        with self._guard():
            return self._conn.execute(sql, args).fetchall()

    # --- quiz ----------------------------------------------------------------------------------------------

    def record_answer(self, a: Answer, now: datetime | None = None) -> srs.CardState:
        """Append the review and reschedule the question's card, atomically. Returns the new card state."""
        now = now or _now()
        with self._write() as c:
            c.execute(
                "INSERT INTO reviews (question_id, topic, qtype, answer, correct, score, rating, hints, duration_s,"
                " mode, session, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    a.question_id,
                    a.topic,
                    a.qtype,
                    a.answer,
                    int(a.correct),
                    a.score,
                    a.rating,
                    a.hints,
                    a.duration_s,
                    a.mode,
                    a.session,
                    _iso(now),
                ),
            )
            card = self._card(a.question_id)
            new = srs.review(
                card, card_id=srs.card_id_for(a.question_id), rating=a.rating, now=now, fuzz=self.fuzz
            )
            c.execute(
                "INSERT OR REPLACE INTO cards (question_id, card_id, state, step, stability, difficulty, due,"
                " last_review) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    a.question_id,
                    new.card_id,
                    new.state,
                    new.step,
                    new.stability,
                    new.difficulty,
                    _iso(new.due),
                    _iso(new.last_review) if new.last_review else None,
                ),
            )
        return new

    def _card(self, question_id: str) -> srs.CardState | None:
        row = self._conn.execute(
            "SELECT card_id, state, step, stability, difficulty, due, last_review FROM cards WHERE question_id = ?",
            (question_id,),
        ).fetchone()
        if row is None:
            return None
        return srs.CardState(row[0], row[1], row[2], row[3], row[4], _time(row[5]), _time(row[6]))

    def card(self, question_id: str) -> srs.CardState | None:
        with self._guard():
            return self._card(question_id)

    def history(self) -> dict[str, History]:
        """Per question: attempts, correct answers, whether the latest was right, and when it is due."""
        rows = self._rows(
            "SELECT r.question_id, COUNT(*), SUM(r.correct),"
            " (SELECT correct FROM reviews l WHERE l.question_id = r.question_id ORDER BY l.id DESC LIMIT 1),"
            " c.due FROM reviews r LEFT JOIN cards c ON c.question_id = r.question_id GROUP BY r.question_id"
        )
        return {qid: History(n, right or 0, bool(last), _time(due)) for qid, n, right, last, due in rows}

    def totals(self) -> tuple[int, int]:
        n, right = self._rows("SELECT COUNT(*), COALESCE(SUM(correct), 0) FROM reviews")[0]
        return n, right

    def per_topic(self) -> list[TopicStats]:
        rows = self._rows(
            "SELECT topic, COUNT(*), SUM(correct), COUNT(DISTINCT question_id) FROM reviews GROUP BY topic"
            " ORDER BY topic"
        )
        return [TopicStats(t, n, right, seen) for t, n, right, seen in rows]

    def due(self, before: datetime) -> dict[str, datetime]:
        """Question ids whose card is due at or before `before`, with their due time."""
        rows = self._rows("SELECT question_id, due FROM cards")
        out = {qid: _time(d) for qid, d in rows}
        return {qid: d for qid, d in out.items() if d is not None and d <= before}

    def next_due(self) -> dict[str, datetime]:
        return {qid: _time(d) for qid, d in self._rows("SELECT question_id, due FROM cards")}

    def active_days(self) -> set[date]:
        """Local calendar days with at least one answer or kata attempt."""
        return set(self.activity())

    def activity(self) -> dict[date, int]:
        """Per local calendar day: answers given plus kata attempts and events (for the heatmap and streak)."""
        rows = self._rows("SELECT answered_at FROM reviews")
        out: dict[date, int] = {}
        for t in [t for (t,) in rows] + self.kata_activity():
            day = datetime.fromisoformat(t).astimezone().date()
            out[day] = out.get(day, 0) + 1
        return out


def streak(days: set[date], today: date) -> int:
    """Consecutive active days ending today, or ending yesterday when today has no activity yet."""
    day = today if today in days else today - timedelta(days=1)
    n = 0
    while day in days:
        n += 1
        day -= timedelta(days=1)
    return n
