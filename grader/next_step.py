"""`dojo next`: the one thing to do now, chosen from the same numbers `dojo stats` shows. Pure: no I/O.

The order, and why:
1. Reviews due now: spaced repetition works only when reviews are done on time, and they take minutes.
2. A kata already started or attempted (not passed, not given up): finish what is open before opening more.
3. A new kata the learner is ready for: the easiest one whose every topic has READY questions answered right
   (last time). Writing code is where the understanding is tested, so it comes as soon as it is fair.
4. New questions (a first session across all topics for a newcomer): in the first topic of the easiest kata not yet ready (questions that prepare for it), else
   the topic with the most questions not yet seen.
5. Mistakes not yet due: retry them.
6. Nothing left: say so, and when the next review is due.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from grader.models import Kata

READY = 3  # questions answered right in each of a kata's topics before the kata is suggested
OPEN = ("started", "attempted")


@dataclass(frozen=True)
class Step:
    kind: str  # review | kata | quiz | mistakes | done
    args: tuple[str, ...]  # the dojo command's arguments (empty for `done`)
    why: str
    also: tuple[tuple[str, ...], ...] = field(default=())  # follow-up commands (e.g. read the task first)

    def to_dict(self) -> dict:
        return {"kind": self.kind, "args": list(self.args), "why": self.why, "also": [list(a) for a in self.also]}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def recommend(st: dict, katas: Sequence[Kata], *, skip_reviews: bool = False, now: datetime | None = None) -> Step:
    """The next step from `grader.stats.collect`'s numbers and the bank's katas (easiest first wins ties)."""
    if st["due_now"] and not skip_reviews:
        n = st["due_now"]
        return Step(
            "review",
            ("quiz", "--review"),
            f"{_plural(n, 'question')} {'is' if n == 1 else 'are'} due for review: reviews done on time stick.",
        )
    status = st["katas"]
    ordered = sorted(katas, key=lambda k: (k.difficulty, k.slug))
    for k in ordered:
        if status.get(k.slug) in OPEN:
            what = (
                f"You started '{k.title}'"
                if status[k.slug] == "started"
                else f"You tried '{k.title}' but have not passed it yet"
            )
            return Step(
                "kata",
                ("kata", "check", k.slug),
                f"{what}: finish it before opening another.",
                also=(("kata", "hint", k.slug),),
            )
    if not st["answered"]:
        return Step("quiz", ("quiz",), "Start with ten questions across the topics; every answer teaches why.")
    topics = {r["topic"]: r for r in st["all_topics"]}

    def ready(k: Kata) -> bool:
        return all(topics.get(t, {}).get("mastered", 0) >= READY for t in k.topics if t in topics)

    new = [k for k in ordered if status.get(k.slug, "new") == "new"]
    for k in new:
        if ready(k):
            return Step(
                "kata",
                ("kata", "start", k.slug),
                f"You know its topics ({', '.join(k.topics)}): time to write the code for '{k.title}'.",
                also=(("kata", "show", k.slug),),
            )
    unseen = {t: r["questions"] - r["seen"] for t, r in topics.items()}
    for k in new:
        for t in k.topics:
            if unseen.get(t, 0) > 0 and topics[t]["mastered"] < READY:
                return Step(
                    "quiz",
                    ("quiz", "--topic", t),
                    f"Questions on {t} prepare you for the kata '{k.title}'.",
                )
    if unseen and max(unseen.values()) > 0:
        t = max(sorted(unseen), key=lambda t: unseen[t])
        return Step(
            "quiz", ("quiz", "--topic", t), f"{_plural(unseen[t], 'question')} on {t} you have not seen yet."
        )
    if st.get("mistakes"):
        return Step(
            "mistakes", ("quiz", "--mistakes"), f"Retry the {_plural(st['mistakes'], 'question')} you missed."
        )
    when = ""
    if st.get("next_review_at"):
        from datetime import UTC

        from grader.srs import when as _when

        when = f" The next review is due {_when(datetime.fromisoformat(st['next_review_at']), now or datetime.now(UTC))}."
    return Step("done", (), "All caught up: every question seen, every kata done." + when)
