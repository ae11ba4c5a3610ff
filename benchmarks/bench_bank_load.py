"""Load and validate a generated 500-question bank in-process (target: under 50 ms), cold and cached."""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

QUESTION = """\
  - id: gen-{t}-{i}
    type: single_choice
    difficulty: {d}
    tags: [generated, bench]
    covers: [C1]
    prompt: Generated question {i} of topic {t}, which statement about the GIL is right?
    code: |
      import threading
      print(threading.active_count())
    choices:
      - text: The GIL makes read-modify-write atomic.
        feedback: It does not; a switch can happen between the read and the write.
      - text: Only one thread runs bytecode at a time on a GIL build.
        correct: true
      - text: Threads never help.
    explanation: On GIL builds one thread holds the interpreter at a time; I/O releases it.
    hints: [Think about the bytecodes.]
    references: ["https://docs.python.org/3/glossary.html#term-global-interpreter-lock"]
"""


def make_bank(root: Path, topics: int = 10, per_topic: int = 50) -> None:
    q = root / "questions"
    q.mkdir(parents=True)
    for t in range(topics):
        body = "".join(QUESTION.format(t=t, i=i, d=1 + i % 3) for i in range(per_topic))
        (q / f"topic-{t}.yaml").write_text(f"format_version: 1\ntopic: topic-{t}\ntitle: T{t}\nquestions:\n{body}")


def measure(root: Path, runs: int) -> list[float]:
    from grader.bank import load_bank

    out = []
    for _ in range(runs):
        start = time.perf_counter()
        bank = load_bank([root])
        out.append(time.perf_counter() - start)
        assert len(bank.questions) == 500
    return out


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DOJO_HOME"] = str(Path(tmp) / "home")
        root = Path(tmp) / "bank"
        make_bank(root)
        os.environ["DOJO_NO_CACHE"] = "1"
        cold = measure(root, 7)
        del os.environ["DOJO_NO_CACHE"]
        measure(root, 1)  # fill the cache
        warm = measure(root, 21)
    print(f"500 questions, parse + validate (no cache): median {statistics.median(cold) * 1000:.1f} ms")
    print(f"500 questions, cached (files unchanged):    median {statistics.median(warm) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
