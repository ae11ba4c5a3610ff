"""The progress store (grader/progress.py): a real SQLite file, migrations, refusals, concurrency, the kata API."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from grader.errors import ExitStatus, ProgressError
from grader.paths import HomeError, check_writable
from grader.progress import Answer, Store, default_path, streak
from grader.progress_schema import MIGRATIONS, SCHEMA_VERSION

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def _answer(qid: str = "q1", correct: bool = True, rating: int = 3, topic: str = "gil") -> Answer:
    return Answer(qid, topic, "single_choice", "The GIL", correct, float(correct), rating, session="s1")


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "home" / "progress.sqlite3"


def test_default_path_is_under_dojo_home(monkeypatch, tmp_path):
    monkeypatch.setenv("DOJO_HOME", str(tmp_path))
    assert default_path() == tmp_path / "progress.sqlite3"
    with Store.open() as store:
        assert store.path == tmp_path / "progress.sqlite3"
    assert (tmp_path / "progress.sqlite3").is_file()


def test_new_file_is_wal_with_the_current_schema_version(path):
    with Store.open(path):
        pass
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"reviews", "cards", "kata_attempts", "kata_hints"} <= tables


def test_each_answer_is_on_disk_when_record_answer_returns(path):
    store = Store.open(path, fuzz=False)
    store.record_answer(_answer("q1", True), now=NOW)
    # Another connection sees it while the first is still open: it was committed, not just buffered.
    other = sqlite3.connect(path)
    assert other.execute("SELECT question_id, correct, rating FROM reviews").fetchall() == [("q1", 1, 3)]
    store.close()


def test_reviews_are_appended_and_cards_rescheduled(path):
    with Store.open(path, fuzz=False) as store:
        first = store.record_answer(_answer("q1", False, rating=1), now=NOW)
        second = store.record_answer(_answer("q1", True, rating=3), now=first.due)
        q2 = store.record_answer(_answer("q2", True, topic="asyncio"), now=NOW)
        assert store.totals() == (3, 2)
        h = store.history()
        assert (h["q1"].attempts, h["q1"].correct, h["q1"].last_correct) == (2, 1, True)
        assert h["q1"].due == second.due == store.card("q1").due
        assert h["q2"].last_correct
        assert [(t.topic, t.answered, t.correct, t.questions_seen) for t in store.per_topic()] == [
            ("asyncio", 1, 1, 1),
            ("gil", 2, 1, 1),
        ]
        assert store.due(NOW) == {}
        first_due, first_id = min((second.due, "q1"), (q2.due, "q2"))
        assert store.due(first_due) == {first_id: first_due}
        assert set(store.due(max(q2.due, second.due))) == {"q1", "q2"}


def test_mistakes_follow_the_latest_answer(path):
    with Store.open(path, fuzz=False) as store:
        store.record_answer(_answer("q1", True), now=NOW)
        store.record_answer(_answer("q1", False, rating=1), now=NOW + timedelta(minutes=1))
        assert store.history()["q1"].last_correct is False


def test_corrupt_file_gets_a_clear_error_and_is_left_untouched(path):
    path.parent.mkdir(parents=True)
    garbage = b"this is not a database, it is a shopping list\n" * 200
    path.write_bytes(garbage)
    with pytest.raises(ProgressError) as e:
        Store.open(path)
    assert "cannot be read" in e.value.message and str(path) in e.value.message
    assert "untouched" in e.value.hint
    assert path.read_bytes() == garbage


def test_damaged_pages_are_reported_not_crashed(path):
    with Store.open(path, fuzz=False) as store:
        for i in range(300):
            store.record_answer(_answer(f"q{i}", True, topic="t" * 200), now=NOW)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(path.read_bytes())
    page = 4096
    data[page * 2 : page * 6] = b"\xff" * (page * 4)  # clobber a few pages past the header
    path.write_bytes(bytes(data))
    with pytest.raises(ProgressError, match="cannot be read"), Store.open(path) as store:
        store.history()
        store.per_topic()


def test_newer_schema_is_refused_and_left_untouched(path):
    path.parent.mkdir(parents=True)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE reviews (id INTEGER PRIMARY KEY)")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(ProgressError) as e:
        Store.open(path)
    assert "newer" in e.value.message and f"schema version {SCHEMA_VERSION + 1}" in e.value.message
    assert e.value.exit_status == ExitStatus.FAILURE
    assert path.read_bytes() == before


def test_a_foreign_sqlite_file_is_refused(path):
    path.parent.mkdir(parents=True)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(ProgressError, match="not a Concurrency Dojo progress file"):
        Store.open(path)
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 0


def test_an_empty_file_is_migrated(path):
    path.parent.mkdir(parents=True)
    path.touch()
    with Store.open(path) as store:
        assert store.totals() == (0, 0)


def test_kata_attempts_and_status(path):
    with Store.open(path) as store:
        assert store.kata_status() == {}
        store.record_kata_attempt("parallel-primes", "failed", 1.5, file="/tmp/p.py")
        store.record_kata_attempt("parallel-primes", "too_slow", 2.0)
        store.record_kata_attempt("loop-lag", "error", 0.2)
        assert store.kata_status() == {"loop-lag": "error", "parallel-primes": "too_slow"}
        store.record_kata_attempt("parallel-primes", "passed", 3.0)
        store.record_kata_attempt("parallel-primes", "failed", 1.0)  # a pass is never taken back
        assert store.kata_status() == {"loop-lag": "error", "parallel-primes": "passed"}
    row = (
        sqlite3.connect(path).execute("SELECT file, duration_s FROM kata_attempts ORDER BY id LIMIT 1").fetchone()
    )
    assert row == ("/tmp/p.py", 1.5)


def test_kata_statuses_new_started_attempted_passed_given_up(path):
    slugs = ["a-new", "b-started", "c-tried", "d-passed", "e-gave-up", "f-gave-up-then-passed"]
    with Store.open(path) as store:
        assert store.kata_statuses(slugs) == dict.fromkeys(slugs, "new")
        for slug in slugs[1:]:
            store.record_kata_event(slug, "started")
        store.record_kata_attempt("c-tried", "failed", 1.0)
        store.record_kata_attempt("d-passed", "failed", 1.0)
        store.record_kata_attempt("d-passed", "passed", 1.0)
        store.record_kata_event("e-gave-up", "given_up")
        store.record_kata_attempt("e-gave-up", "failed", 1.0)  # they saw the answer: still given up
        store.record_kata_event("f-gave-up-then-passed", "given_up")
        store.record_kata_attempt("f-gave-up-then-passed", "passed", 1.0)
        statuses = store.kata_statuses(slugs)
        with pytest.raises(ValueError, match="unknown kata event"):
            store.record_kata_event("a-new", "finished")
    assert statuses == {
        "a-new": "new",
        "b-started": "started",
        "c-tried": "attempted",
        "d-passed": "passed",
        "e-gave-up": "given up",
        "f-gave-up-then-passed": "passed",
    }


def test_a_version_1_file_is_migrated_and_keeps_its_data(path):
    path.parent.mkdir(parents=True)
    conn = sqlite3.connect(path)
    for sql in MIGRATIONS[0]:
        conn.execute(sql)
    conn.execute(
        "INSERT INTO kata_attempts (slug, verdict, duration_s, attempted_at) VALUES ('k', 'passed', 1, ?)",
        (NOW.isoformat(),),
    )
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    with Store.open(path) as store:
        store.record_kata_event("other", "started")
        assert store.kata_statuses() == {"k": "passed", "other": "started"}
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2


def test_check_writable_names_the_problem_and_never_says_move_it_away(tmp_path, monkeypatch):
    real_open = os.open

    def denied(path, *a, **k):
        if ".dojo-write-check-" in str(path):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *a, **k)

    monkeypatch.setattr(os, "open", denied)
    monkeypatch.setenv("DOJO_HOME", str(tmp_path))
    with pytest.raises(HomeError) as e:
        check_writable(tmp_path)
    assert "not writable: permission denied" in e.value.message and str(tmp_path) in e.value.message
    assert "DOJO_HOME" in e.value.hint and "chmod u+w" in e.value.hint
    assert "mv " not in e.value.hint and "away" not in e.value.hint


def test_check_writable_refuses_a_file_as_the_data_folder(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(HomeError, match="is a file, not a folder"):
        check_writable(tmp_path / "f")
    with pytest.raises(HomeError, match="is a file, not a folder"):
        check_writable(tmp_path / "f" / "sub")


def _unprivileged_open(unprivileged, home: Path) -> subprocess.CompletedProcess:
    code = "from grader.progress import Store\nStore.open().close()"
    env = {**os.environ, "DOJO_HOME": str(home)}
    return subprocess.run([*unprivileged, sys.executable, "-c", code], capture_output=True, text=True, env=env)


def test_read_only_progress_file_is_refused_before_any_work(tmp_path, unprivileged):
    home = tmp_path / "home"
    with Store.open(home / "progress.sqlite3") as store:
        store.record_kata_attempt("k", "passed", 1.0)
    (home / "progress.sqlite3").chmod(0o444)
    r = _unprivileged_open(unprivileged, home)
    assert r.returncode != 0
    assert "HomeError: the progress file" in r.stderr and "not writable" in r.stderr


def test_kata_hints_count_up_per_slug(path):
    with Store.open(path) as store:
        assert store.hints_shown("parallel-primes") == 0
        assert store.record_hint("parallel-primes") == 1
        assert store.record_hint("parallel-primes") == 2
        assert store.record_hint("loop-lag") == 1
    with Store.open(path) as store:
        assert store.hints_shown("parallel-primes") == 2


def test_streak():
    today = date(2025, 3, 10)
    days = {today, today - timedelta(days=1), today - timedelta(days=2), today - timedelta(days=5)}
    assert streak(days, today) == 3
    assert streak(days - {today}, today) == 2  # not yet practised today: yesterday's streak still counts
    assert streak(set(), today) == 0


def test_active_days_include_answers_and_kata_attempts(path):
    with Store.open(path, fuzz=False) as store:
        store.record_answer(_answer(), now=NOW)
        store.record_kata_attempt("k", "passed", 1.0)
        days = store.active_days()
    assert NOW.astimezone().date() in days and datetime.now().date() in days


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from grader.progress import Answer, Store
    path, tag, n = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    with Store.open(path, fuzz=False) as store:
        for i in range(n):
            # Both writers answer the same questions: card updates must not interleave.
            store.record_answer(Answer(f"q{i % 5}", "t", "single_choice", tag, i % 2 == 0, 1.0, 3, session=tag))
            store.record_kata_attempt("k", "failed", 0.1)
            store.record_hint("k")
    """
)


def test_two_processes_writing_at_once_lose_nothing(path):
    with Store.open(path):
        pass
    n = 60
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(path), tag, str(n)], stderr=subprocess.PIPE, text=True)
        for tag in ("a", "b")
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    with Store.open(path) as store:
        assert store.totals()[0] == 2 * n
        assert sum(h.attempts for h in store.history().values()) == 2 * n
        assert store.hints_shown("k") == 2 * n
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT COUNT(*) FROM kata_attempts").fetchone()[0] == 2 * n
    assert conn.execute("SELECT COUNT(*) FROM cards").fetchone()[0] == 5
    assert conn.execute("SELECT COUNT(DISTINCT session) FROM reviews").fetchone()[0] == 2
