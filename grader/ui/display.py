"""What the interactive quiz prints around the prompts (rich): the question, hints, feedback, the exam review."""

from __future__ import annotations

from rich.console import Console
from rich.padding import Padding
from rich.text import Text

from grader import answers
from grader.answers import RATINGS
from grader.models import CHOICE_TYPES
from grader.quiz import Outcome, Presented
from grader.ui import markdown
from grader.ui.ansi import ORDINALS

MARKS = {
    "right": ("✔", "green"),
    "wrong": ("✘", "red"),
    "missed": ("➜", "yellow"),
    "": ("·", "dim"),
}


# Terminal palette colours only, so text reads on light and dark backgrounds alike.
STYLES = {
    "code": "bold cyan",
    "bold": "bold",
    "italic": "italic",
    "keyword": "bold magenta",
    "constant": "bold magenta",
    "builtin": "cyan",
    "definition": "bold blue",
    "string": "green",
    "number": "yellow",
    "comment": "dim italic",
    "decorator": "yellow",
}


def inline(text: str, style: str = "") -> Text:
    """A line or paragraph with inline Markdown (`code`, **bold**, *emphasis*) as rich Text."""
    out = Text(style=style)
    for kind, piece in markdown.spans(text):
        out.append(piece, STYLES.get(kind, ""))
    return out


class _Code:
    """Highlighted code laid out at the width it is given (ansi.code_lines): a long line is broken between
    tokens, with its rest indented, never folded mid-token by rich or the terminal."""

    def __init__(self, code: str, language: str) -> None:
        self.code, self.language = code, language

    def __rich_console__(self, console, options):
        from grader.ui.ansi import code_lines

        for line in code_lines(
            self.code, self.language if markdown.is_python(self.language) else "text", options.max_width
        ):
            yield Text.assemble(*((piece, STYLES.get(kind, "")) for kind, piece in line), no_wrap=True)

    def __rich_measure__(self, console, options):
        from rich.measure import Measurement

        widest = max((len(line) for line in self.code.splitlines()), default=0)
        return Measurement(min(8, widest), widest)


def code_block(code: str, language: str = "python") -> Padding:
    return Padding(_Code(code.rstrip("\n"), language), (0, 2))


def _bullet(spans) -> object:
    """A bullet with a hanging indent: wrapped lines start under its text, not under its marker."""
    from rich.table import Table

    first = spans[0][1] if spans else ""
    marker = first[: len(first) - len(first.lstrip())] + first.lstrip().split(" ", 1)[0]
    rest = [(spans[0][0], first[len(marker) :].lstrip()), *spans[1:]] if spans else []
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column()
    grid.add_row(marker.strip(), Text.assemble(*((piece, STYLES.get(kind, "")) for kind, piece in rest)))
    return grid


def render(text: str, *, document: bool = False):
    """Markdown as rich renderables. Prose is a rich Text, which wraps at the console's width between words;
    code is broken only between tokens. A `document` (a kata's task) has headings and hanging bullets."""
    from rich.console import Group

    parts = []
    for block in markdown.blocks(text, document=document):
        if block[0] == "bullet" and document:
            parts.append(_bullet(block[1]))
        elif block[0] in ("para", "bullet"):
            parts.append(Text.assemble(*((piece, STYLES.get(kind, "")) for kind, piece in block[1])))
        elif block[0] == "heading":
            parts.append(Text.assemble(*((piece, "bold underline") for _kind, piece in block[1])))
        elif block[0] == "code":
            parts.append(code_block(block[1], block[2]))
        else:
            parts.append("")
    return Group(*parts)


def console(stderr: bool = False) -> Console:
    # No :emoji: codes in question text; rich would load its 40 ms emoji table to look for them.
    return Console(stderr=stderr, highlight=False, emoji=False)


def show_hint(con: Console, hint: str, n: int, total: int) -> None:
    con.print(
        Padding(Text.assemble(("💡 Hint ", "bold yellow"), (f"{n}/{total}: ", "yellow"), inline(hint)), (0, 1))
    )
    con.print()


def show_verdict(con: Console, o: Outcome) -> None:
    g = o.graded
    if g is None:
        con.print(Padding(Text("⏱ Not answered.", style="bold red"), (0, 1)))
    elif g.correct:
        con.print(Padding(Text.assemble(("✔ ", "bold green"), (g.headline, "bold green")), (0, 1)))
    elif g.partial:
        con.print(Padding(Text.assemble(("◐ ", "bold yellow"), (g.headline, "bold yellow")), (0, 1)))
    else:
        con.print(Padding(Text.assemble(("✘ ", "bold red"), (g.headline, "bold red")), (0, 1)))


def _grid():
    from rich.table import Table

    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=1, no_wrap=True)
    grid.add_column()
    return Padding(grid, (0, 0, 0, 2)), grid


def _choice_lines(o: Outcome) -> Padding:
    """Every choice in the order it was shown, marked, each with its feedback: why a distractor is wrong is
    worth reading even after a right answer."""
    q, r = o.question, o.response
    marks = answers.choice_marks(q, r.picked if r else ())
    missed_label = "  ← the right answer" if q.type != "multiple_choice" else "  ← also right"
    out, grid = _grid()
    spaced = any(c.feedback or "\n" in c.text for c in q.choices)
    for n, i in enumerate(o.presented.order):
        c, mark = q.choices[i], marks[i]
        if spaced and n:
            grid.add_row("", "")
        sym, style = MARKS[mark]
        # Program output is shown verbatim; statements may carry `code` markup.
        text = Text(c.text, style if mark else "") if q.type == "predict_output" else inline(c.text, style)
        if mark == "missed":
            text.append(missed_label, "dim")
        if c.feedback:
            text.append("\n↳ ", "dim")
            text.append_text(inline(c.feedback, "italic" if mark else "dim italic"))
        grid.add_row(Text(sym, style), text)
    return out


def _order_lines(o: Outcome) -> Padding:
    """The right order, each item marked: in the place the learner gave it, or where they put it instead."""
    given = list(o.response.picked) if o.response else []
    out, grid = _grid()
    for pos, item in enumerate(o.question.answer):
        text = Text(f"{pos + 1}. ")
        text.append_text(inline(item))
        if given and given[pos] == pos:
            grid.add_row(Text("✔", "green"), text)
        else:
            where = given.index(pos) + 1 if pos in given else None
            if where:
                text.append(f"  (you put it {ORDINALS[where - 1]})", "dim")
            grid.add_row(Text("✘", "red"), text)
    return out


def show_feedback(con: Console, o: Outcome) -> None:
    q = o.question
    show_verdict(con, o)
    if q.type in CHOICE_TYPES:
        con.print(_choice_lines(o))
    elif q.type == "ordering" and o.response is not None and not o.correct:
        con.print(Padding(Text("The right order:", "bold"), (0, 3)))
        con.print(_order_lines(o))
    elif not o.correct and q.type != "explain":
        con.print(Padding(Text.assemble(("Right answer: ", "bold"), _answer_text(q)), (0, 3)))
    if q.type == "short_answer" and len(q.answer) > 1:
        con.print(Padding(Text("Also accepted: " + ", ".join(q.answer[1:]), style="dim"), (0, 3)))
    if o.hints and o.correct and q.type != "explain":
        con.print(Padding(Text("Right with a hint: it comes back for review a little sooner.", "dim"), (0, 3)))
    con.print()
    show_explanation(con, q)


def _answer_text(q) -> Text:
    if q.type == "ordering":
        return Text("\n".join(f"{i}. {item}" for i, item in enumerate(q.answer, 1)))
    return inline(answers.correct_answer(q))


def show_explanation(con: Console, q) -> None:
    from rich.panel import Panel

    con.print(Panel(render(q.explanation), title="Why", title_align="left", border_style="blue", padding=(0, 1)))
    from grader.lessons import read_more

    found = read_more(q)
    if not found:
        return

    def style(ref: str) -> str:
        # The lesson comes first, as a command to run; then the official docs, as links.
        return f"dim link {ref}" if ref.startswith("http") else "bold"

    if len(" Read more: ") + sum(len(r) for r in found) + 5 * (len(found) - 1) <= con.width:
        refs = Text("Read more: ", style="dim")
        for i, ref in enumerate(found):
            if i:
                refs.append("  ·  ", style="dim")
            refs.append(ref, style=style(ref))
        con.print(Padding(refs, (0, 1)))
        return
    # Too long for one line: each on a line of its own and never folded by us, because a command or a link
    # broken across lines ("uv run dojo learn" / "'gil#...'", "...interp" / "reter-lock") can be neither run
    # nor clicked; one longer than the terminal is left to the terminal's own soft wrap.
    con.print(Padding(Text("Read more:", style="dim"), (0, 1)))
    for ref in found:
        con.print(Text.assemble("   ", (ref, style(ref))), soft_wrap=True)


def show_model_answer(con: Console, p: Presented) -> None:
    from rich.panel import Panel

    q = p.question
    con.print()
    con.print(
        Panel(render(q.answer), title="Model answer", title_align="left", border_style="cyan", padding=(0, 1))
    )
    from rich.table import Table

    con.print(Padding(Text("A good answer mentions:", style="bold"), (0, 1)))
    # A grid, so that a point that wraps goes on under its own text, not under its bullet.
    points = Table.grid()
    points.add_column(no_wrap=True)
    points.add_column()
    for point in q.rubric:
        points.add_row(Text.assemble("   ", ("• ", "cyan")), inline(point))
    con.print(points)
    con.print()


RATING_HELP = {
    1: "I could not explain it",
    2: "Partly, with gaps or mistakes",
    3: "I covered the key points",
    4: "Complete and confident, interview-ready",
}


def rating_label(n: int) -> str:
    return f"{RATINGS[n]}: {RATING_HELP[n]}"


def show_time_up(con: Console, unanswered: int) -> None:
    con.print()
    con.print(
        Padding(
            Text(f"⏱ Time is up. Questions left unanswered: {unanswered}, counted as wrong.", "bold red"), (0, 1)
        )
    )


def show_review_item(con: Console, n: int, o: Outcome, *, pending: bool) -> None:
    """One question of the review after an exam: the learner's answer, the right one and why."""
    q = o.question
    if n == 1:
        con.print()
        con.rule("[bold]Exam review[/]", align="left", style="dim")
    con.print()
    con.print(Text.assemble((f"{n}. ", "bold"), (q.id, "bold"), (f"  ·  {q.topic}", "dim")))
    con.print(Padding(render(q.prompt), (0, 3)))
    if q.code:
        con.print(code_block(q.code))
    if pending:
        con.print(Padding(Text.assemble(("Your answer: ", "bold"), o.response.text or "(none written)"), (0, 3)))
    else:
        con.print()
        show_feedback(con, o)
