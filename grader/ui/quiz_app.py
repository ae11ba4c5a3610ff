"""`dojo quiz` from parsed options to the summary, without typer: the typer command and the fast lane
(grader/quiz_lane.py) both call `prepare` and `play`. Heavy imports stay inside the functions.

`prepare` does everything that can fail on bad input (bank, filters, progress file) before anything is shown;
`play` runs the session and prints the summary. Neither exits the process: `play` returns the exit status.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from grader.errors import DojoError, ExitStatus, UsageError


@dataclass(frozen=True)
class QuizOptions:
    topics: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    difficulties: tuple[str, ...] = ()
    count: int | None = None
    seed: int | None = None
    review: bool = False
    mistakes: bool = False
    exam: bool = False
    time_limit: float | None = None
    plain: bool = False
    as_json: bool = False
    python: str | None = None  # the Python feature version the answers must hold on; default: this one

    @property
    def mode(self) -> str:
        modes = [m for m in ("review", "mistakes", "exam") if getattr(self, m)]
        if len(modes) > 1:
            raise UsageError(f"choose one mode, not {' and '.join('--' + m for m in modes)}")
        return modes[0] if modes else "practice"

    @property
    def filters(self) -> str:
        parts = [f"--topic {t}" for t in self.topics] + [f"--tag {t}" for t in self.tags]
        parts += [f"--difficulty {d}" for d in self.difficulties]
        parts += [f"--python {self.python}"] if self.python else []
        return " ".join(parts) or "the loaded banks"


@dataclass
class Prepared:
    opts: QuizOptions
    store: object  # grader.progress.Store, open
    plan: object | None  # grader.ui.session.Plan; None when there is nothing to ask
    message: str = ""  # why there is nothing to ask
    review_ids: frozenset[str] = frozenset()  # what `dojo quiz --review` draws from (for the summary's advice)


def prepare(opts: QuizOptions, bank) -> Prepared:
    """Validate the options against the bank, open the progress file, choose the questions."""
    import random
    from datetime import UTC, datetime

    from grader import quiz as engine
    from grader.progress import Store
    from grader.ui.session import Plan

    mode = opts.mode
    if opts.time_limit is not None and mode != "exam":
        raise UsageError("--time-limit is for exams: add --exam")
    if not bank.questions:
        raise DojoError("the loaded banks have no questions", hint="Add a bank with --bank DIR or DOJO_BANK.")
    levels = [engine.parse_difficulty(d) for d in opts.difficulties]
    target = target_python(opts.python)
    pool = engine.filter_questions(
        bank.questions, topics=opts.topics, tags=opts.tags, difficulties=levels, python=target
    )
    review_ids = frozenset(q.id for q in engine.filter_questions(bank.questions, python=target))
    if not pool:
        from grader.invocation import command

        raise UsageError(f"no question matches {opts.filters}", hint=f"See what there is: {command('topics')}")
    seed = opts.seed if opts.seed is not None else random.SystemRandom().randrange(1, 1_000_000)
    now = datetime.now(UTC)
    store = Store.open()
    try:
        chosen = engine.select(
            mode,
            pool,
            store.history(),
            # A review offers everything due (what `stats` counts as due now), unless --count says otherwise.
            count=opts.count or (len(pool) if mode == "review" else engine.DEFAULT_COUNT),
            seed=seed,
            now=now,
            fresh_first=mode == "practice" and opts.seed is None,
        )
        if not chosen:
            return Prepared(opts, store, None, _nothing_to_do(mode, pool, store, opts.filters), review_ids)
    except BaseException:
        store.close()
        raise
    limit = opts.time_limit
    if mode == "exam" and limit is None:
        limit = engine.EXAM_SECONDS_PER_QUESTION * len(chosen)
    plan = Plan(mode, seed, [engine.present(q, seed) for q in chosen], limit)
    return Prepared(opts, store, plan, review_ids=review_ids)


def target_python(raw: str | None) -> tuple[int, int]:
    """The Python version the quiz is for: `--python X.Y`, else the interpreter running dojo."""
    from grader import versions

    if raw is None:
        return versions.running()
    try:
        return versions.parse_version(raw)
    except ValueError as e:
        raise UsageError(f"--python: {e}") from None


def play(prep: Prepared) -> int:
    """Run the session (or say why there is none), print the summary; returns the exit status."""
    import os
    from functools import partial

    from grader.ui import session

    opts = prep.opts
    with prep.store as store:
        if prep.plan is None:
            _say_nothing(prep)
            return ExitStatus.SUCCESS
        record = session.recorder(store, mode=prep.plan.mode, session=os.urandom(8).hex())
        human = sys.stderr if opts.as_json else sys.stdout
        after = partial(_after, store, prep.review_ids)  # read once the session is over
        if opts.plain or not (sys.stdin.isatty() and human.isatty()):
            summary = _run_plain(prep.plan, record, human, opts.as_json, after)
        else:
            summary = _run_interactive(prep.plan, record, opts.as_json, after)
    return ExitStatus.INTERRUPTED if summary.ended == "interrupted" else ExitStatus.SUCCESS


def _print_json(data: object) -> None:
    import json

    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def _after(store, review_ids: frozenset[str]):
    """The review situation right after the session, so the summary suggests only what is true now."""
    from datetime import UTC, datetime

    from grader.srs import when
    from grader.ui.summary import After

    now = datetime.now(UTC)
    due = {qid: d for qid, d in store.next_due().items() if qid in review_ids}
    due_now = sum(1 for d in due.values() if d <= now)
    later = min((d for d in due.values() if d > now), default=None)
    return After(due_now, when(later, now) if later else None)


def _run_plain(plan, record, human, as_json, after):
    from grader.ui import plain, session
    from grader.ui.summary import plain_summary

    io = plain.PlainIO(human, plain.LineReader(), exam=plan.mode == "exam")
    summary = session.run(plan, io, record)
    if as_json:
        _print_json(summary.to_dict())
    else:
        plain_summary(human, summary, after())
    return summary


def _run_interactive(plan, record, as_json, after):
    from prompt_toolkit.application import create_app_session
    from prompt_toolkit.output import create_output

    from grader.ui import session
    from grader.ui.interactive import InteractiveIO

    # With --json, stdout carries only the JSON summary: the session is drawn on stderr.
    human = sys.stderr if as_json else sys.stdout
    io = InteractiveIO(human)
    with create_app_session(output=create_output(stdout=human)):
        summary = session.run(plan, io, record)
    if as_json:
        _print_json(summary.to_dict())
    else:
        from grader.ui.summary import show_summary

        show_summary(io.con, summary, after())
    return summary


def _nothing_to_do(mode: str, pool, store, filters: str) -> str:
    from datetime import UTC, datetime

    from grader.invocation import command
    from grader.srs import when

    if mode == "review":
        ids = {q.id for q in pool}
        upcoming = sorted(d for qid, d in store.next_due().items() if qid in ids)
        message = f"Nothing is due for review in {filters}."
        if upcoming:
            return message + f" The next review is due {when(upcoming[0], datetime.now(UTC))}."
        return message + f" Answer some questions first: {command('quiz')}"
    ids = {q.id for q in pool}
    if not any(qid in ids for qid in store.history()):
        # "every question you answered was right" said to someone who has answered none reads as a bug.
        return f"No mistakes to retry in {filters}: nothing answered yet. Start with: {command('quiz')}"
    return f"No mistakes to retry in {filters}: every question you answered was right the last time."


def _say_nothing(prep: Prepared) -> None:
    if prep.opts.as_json:
        from grader.quiz import Summary

        _print_json({**Summary(prep.opts.mode, prep.opts.seed or 0, 0).to_dict(), "message": prep.message})
    else:
        sys.stdout.write(prep.message + "\n")
