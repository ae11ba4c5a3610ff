"""The progress file's schema, as migrations: entry i upgrades `PRAGMA user_version` i to i + 1.

Append a step for every change; never edit a released one (learners' files were built by it).
"""

from __future__ import annotations

# Each entry upgrades the schema from version i to i + 1. Append only; never edit a released step.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE reviews (
            id INTEGER PRIMARY KEY,
            question_id TEXT NOT NULL,
            topic TEXT NOT NULL,
            qtype TEXT NOT NULL,
            answer TEXT NOT NULL,
            correct INTEGER NOT NULL,
            score REAL NOT NULL,
            rating INTEGER NOT NULL,
            hints INTEGER NOT NULL DEFAULT 0,
            duration_s REAL,
            mode TEXT NOT NULL,
            session TEXT NOT NULL,
            answered_at TEXT NOT NULL
        )""",
        "CREATE INDEX reviews_by_question ON reviews (question_id, id)",
        """CREATE TABLE cards (
            question_id TEXT PRIMARY KEY,
            card_id INTEGER NOT NULL,
            state INTEGER NOT NULL,
            step INTEGER,
            stability REAL,
            difficulty REAL,
            due TEXT NOT NULL,
            last_review TEXT
        )""",
        """CREATE TABLE kata_attempts (
            id INTEGER PRIMARY KEY,
            slug TEXT NOT NULL,
            verdict TEXT NOT NULL,
            duration_s REAL NOT NULL,
            file TEXT,
            attempted_at TEXT NOT NULL
        )""",
        "CREATE INDEX kata_attempts_by_slug ON kata_attempts (slug, id)",
        "CREATE TABLE kata_hints (slug TEXT PRIMARY KEY, shown INTEGER NOT NULL)",
    ),
    # 2: what the learner did with a kata besides grading it: started it, gave up (issue 10, point 13).
    (
        """CREATE TABLE kata_events (
            id INTEGER PRIMARY KEY,
            slug TEXT NOT NULL,
            event TEXT NOT NULL,
            at TEXT NOT NULL
        )""",
        "CREATE INDEX kata_events_by_slug ON kata_events (slug, id)",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)
OUR_TABLES = {"reviews", "cards", "kata_attempts", "kata_hints", "kata_events"}
