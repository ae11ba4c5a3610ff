"""Quiz commands: `quiz`, `stats`, `topics`. Heavy imports (questionary, rich, fsrs) stay inside the functions."""

from __future__ import annotations

from typing import Annotated

import typer

from grader.cli import app
from grader.commands.common import print_json, state

PANEL = "Quiz"


@app.command(rich_help_panel=PANEL)
def quiz(
    ctx: typer.Context,
    topic: Annotated[
        list[str] | None,
        typer.Option("--topic", "-t", metavar="TOPIC", help="Only this topic (repeatable). See `dojo topics`."),
    ] = None,
    tag: Annotated[
        list[str] | None, typer.Option("--tag", metavar="TAG", help="Only questions with this tag (repeatable).")
    ] = None,
    difficulty: Annotated[
        list[str] | None,
        typer.Option("--difficulty", "-d", help="1/easy, 2/medium or 3/hard (repeatable).", metavar="LEVEL"),
    ] = None,
    count: Annotated[
        int | None,
        typer.Option(
            "--count", "-n", min=1, metavar="N", help="How many questions. \\[default: 10]", show_default=False
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            "--seed", metavar="N", help="Same seed, same questions in the same order (and choice order)."
        ),
    ] = None,
    review: Annotated[
        bool, typer.Option("--review", help="Questions due for review (spaced repetition).")
    ] = False,
    mistakes: Annotated[bool, typer.Option("--mistakes", help="Questions you last answered wrong.")] = False,
    exam: Annotated[
        bool, typer.Option("--exam", help="Interview conditions: timed, no hints, feedback only at the end.")
    ] = False,
    time_limit: Annotated[
        float | None,
        typer.Option(
            "--time-limit",
            min=1,
            metavar="SECONDS",
            help="Time for the whole exam, in seconds. \\[default: 60 s per question, so 600 for 10]",
        ),
    ] = None,
    python: Annotated[
        str | None,
        typer.Option(
            "--python",
            metavar="X.Y",
            help="Only questions whose answer holds on this Python. \\[default: the Python running dojo]",
            show_default=False,
        ),
    ] = None,
    plain: Annotated[
        bool, typer.Option("--plain", help="Plain text, one answer per line (automatic when stdin is not a TTY).")
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the summary as JSON on stdout (the session goes to stderr).")
    ] = False,
) -> None:
    """Answer questions and learn from the feedback: explanations, hints, partial credit, spaced repetition."""
    from grader.ui import quiz_app

    opts = quiz_app.QuizOptions(
        topics=tuple(topic or ()),
        tags=tuple(tag or ()),
        difficulties=tuple(difficulty or ()),
        count=count,
        seed=seed,
        review=review,
        mistakes=mistakes,
        exam=exam,
        time_limit=time_limit,
        plain=plain,
        as_json=as_json,
        python=python,
    )
    code = quiz_app.play(quiz_app.prepare(opts, state(ctx).bank()))
    if code:
        raise typer.Exit(code)


@app.command(rich_help_panel=PANEL)
def stats(
    ctx: typer.Context,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (has integer `answered` and `correct`).")
    ] = False,
) -> None:
    """Your progress: per-topic bars, a 12-week activity heatmap, reviews due now and in the coming days."""
    from grader.progress import Store
    from grader.stats import collect

    bank = state(ctx).bank()
    with Store.open() as store:
        data = collect(store, bank)
    if as_json:
        print_json(data)
        return
    from grader.ui.display import console
    from grader.ui.stats_view import show_stats

    show_stats(console(), data)


@app.command(rich_help_panel=PANEL)
def topics(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The topics, with their question counts and your accuracy."""
    from grader.progress import Store
    from grader.stats import topic_rows

    bank = state(ctx).bank()
    with Store.open() as store:
        rows = topic_rows(store, bank)
    if as_json:
        print_json(rows)
        return
    from grader.ui.display import console
    from grader.ui.summary import show_topics

    show_topics(console(), rows)
