"""Turn what the sandbox saw into a verdict. Only records carrying the run's token count; nothing printed does.

Order matters: limits hit by the process (output, time, memory) come first, then signs of tampering or an early
exit (a missing test or final record is never a pass), then what the tests themselves said.
"""

from __future__ import annotations

import signal

from grader.diagnose import diagnose, diagnose_hang
from grader.models import Kata
from grader.sandbox import ChildResult, Limits
from grader.verdict import TestResult, Verdict

OUTPUT_TAIL = 2000


def _tail(result: ChildResult) -> str:
    text = result.output.decode("utf-8", "replace")
    return text[-OUTPUT_TAIL:]


def _missing(expected: set[str], tests: list[TestResult]) -> list[str]:
    seen = {t.name.split("[", 1)[0] for t in tests}
    return sorted(expected - seen)


def _impossible_timing(tests: list[TestResult], wall_s: float) -> str | None:
    """Reported seconds can never exceed the child's own wall time (measured by us, outside the child)."""
    if sum(t.duration_s for t in tests) > wall_s + 0.5:
        return "the tests' reported durations exceed the run's wall time"
    for t in tests:
        for timing in t.timings:
            if timing.get("unit") == "s" and float(timing.get("measured") or 0) > wall_s + 0.5:
                return f"timing '{timing.get('name')}' exceeds the run's wall time"
    return None


def decide(kata: Kata, r: ChildResult, expected: set[str], limits: Limits, source: str = "") -> Verdict:
    """The verdict from the judge's records (the judge is our code; the host never writes a record)."""
    from grader.runner import tests_from

    tests = tests_from(r.records)
    [rec.get("kind") for rec in r.records]
    collect = [rec for rec in r.records if rec.get("kind") == "collect_error"]
    final = next((rec for rec in r.records if rec.get("kind") == "final"), None)
    timeout = next((rec for rec in r.records if rec.get("kind") == "timeout"), None)
    facts = final or timeout or {}
    v = Verdict(kata.slug, "passed", tests=tests, output=_tail(r))
    leftovers = int((final or {}).get("leftovers") or 0)
    if leftovers:
        v.notes.append(f"{leftovers} process(es) your code started were still running at the end and were killed")
    hygiene = (final or {}).get("hygiene") or {}
    if hygiene.get("threads"):
        v.notes.append(
            f"threads still running when the tests ended: {', '.join(map(str, hygiene['threads']))[:300]}"
        )
    if facts.get("output_exceeded") or r.output_exceeded:
        v.verdict = "output_limit"
        v.message = f"your code printed more than {limits.output_bytes // 1024} KiB; it was stopped"
        return v
    if timeout is not None or r.timed_out or r.returncode == -signal.SIGXCPU:
        v.verdict = "timeout"
        v.message = f"the run did not finish within the kata's {kata.time_limit_s:g} s limit"
        if timeout is not None:
            v.diagnosis = diagnose(
                str(timeout.get("diag", "")),
                float(timeout.get("cpu_s") or 0),
                float(timeout.get("wall_s") or 0),
                source,
            )
            v.message += f": looks like {v.diagnosis.label}"
        return v
    if (final or {}).get("hung"):
        v.verdict = "timeout"
        v.diagnosis = diagnose_hang(str(final.get("diag", "")), source)
        v.message = "the tests finished but your program did not exit: " + v.diagnosis.summary
        return v
    if any(t.verdict == "memory_limit" for t in tests) or any(c.get("memory") for c in collect):
        v.verdict = "memory_limit"
        v.message = f"your code needed more than the kata's {kata.memory_limit_mb} MB of memory"
        return v
    if r.returncode is not None and r.returncode < 0 and final is None:
        sig = signal.Signals(-r.returncode).name if -r.returncode in signal.Signals._value2member_map_ else "?"
        v.verdict, v.message = "error", f"the grader's judge was killed by {sig} before it finished"
        return v
    if r.forged:
        v.verdict = "error"
        v.message = "something wrote fake records to the grader's result channel; results cannot be trusted"
        return v
    if collect:
        v.verdict = "error"
        v.message = "the tests could not load your code: " + str(collect[0].get("message", ""))
        if collect[0].get("host"):
            v.output = str(collect[0].get("output", ""))  # what your code printed; the runner's words are noise
        return v
    internal = [rec for rec in r.records if rec.get("kind") == "internal_error"]
    missing = _missing(expected, tests)
    if internal or final is None or missing:
        v.verdict = "error"
        why = f"exit code {r.returncode}"
        if missing:
            why += f"; no result for {', '.join(missing)}"
        if internal:
            why += f"; {internal[0].get('message', '')}"
        v.message = f"the grading ended early ({why})"
        return v
    bad = _impossible_timing(tests, r.wall_s)
    if bad:
        v.verdict, v.message = "error", f"results cannot be trusted: {bad}"
        return v
    crashed = [t for t in tests if t.verdict == "error"]
    failed = [t for t in tests if t.status in ("failed", "error") and t.verdict not in ("too_slow", "error")]
    slow = [t for t in tests if t.verdict == "too_slow"]
    unsure = [t for t in tests if t.verdict == "inconclusive"]
    if crashed:
        v.verdict = "error"
        v.message = f"{crashed[0].name}: {_first_line(crashed[0].message)}"
    elif failed:
        v.verdict = "failed"
        v.message = f"{len(failed)} of {len(tests)} tests failed; first: {failed[0].name}: {_first_line(failed[0].message)}"
    elif leftovers:
        v.verdict = "failed"
        v.message = (
            f"your code left {leftovers} process(es) running after the tests ended; clean up what you start"
        )
    elif slow:
        v.verdict = "too_slow"
        v.message = f"correct, but too slow: {slow[0].message}"
    elif unsure:
        v.verdict = "inconclusive"
        v.message = f"correct; the speed could not be judged here: {unsure[0].message}"
    else:
        v.message = f"all {len(tests)} tests passed"
    return v


def _first_line(text: str) -> str:
    return text.splitlines()[0] if text else ""
