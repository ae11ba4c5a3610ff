"""A lesson as terminal text: prose wrapped at the width between words, headings styled, Python highlighted.

Built on the quiz's bare-ANSI pieces, so lessons, questions and kata screens look alike: grader.ui.markdown reads
the blocks (as a document: bullets keep their indented continuation lines), grader.ui.ansi lays out code (a long
line breaks between tokens, its rest indented) and gives the colours. Prose uses the word wrap below.
"""

from __future__ import annotations

import re
import textwrap

from grader.lessons import Lesson, Section
from grader.ui import markdown
from grader.ui.ansi import SGR, code_lines

STYLES = {**SGR, "title": "1;4", "heading": "1;34", "anchor": "2", "bullet": "36", "rule": "2"}
_BULLET = re.compile(r"^(\s*)([-*+]|\d+[.)])\s+")
_WORDS = re.compile(r"(\s+)")
MIN_WIDTH = 30  # narrower than this, wrapping helps no one: render as if 30 wide


class Paint:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, style: str) -> str:
        code = STYLES.get(style)
        return f"\x1b[{code}m{text}\x1b[0m" if self.color and code and text else text


def wrap(spans: list[markdown.Span], width: int) -> list[list[markdown.Span]]:
    """Greedy word wrap keeping styles. A word is everything between spaces, even across styles (`f()`, then a
    comma): it moves to the next line whole. (grader.ui.ansi.wrap measures only a word's first piece.)"""
    words: list[list[markdown.Span]] = []
    glue = False
    for style, text in spans:
        for token in _WORDS.split(text):
            if not token:
                continue
            if token.isspace():
                glue = False
            elif glue and words:
                words[-1].append((style, token))
            else:
                words.append([(style, token)])
                glue = True
    lines: list[list[markdown.Span]] = [[]]
    col = 0
    for word in words:
        size = sum(len(t) for _, t in word)
        if col and col + 1 + size > width:
            lines.append([])
            col = 0
        if col:
            lines[-1].append(("", " "))
            col += 1
        lines[-1].extend(word)
        col += size
    return lines


def _prose(spans: list[markdown.Span], width: int, paint: Paint, first: str, rest: str) -> list[str]:
    lines = wrap(spans, max(10, width - len(first)))
    return [(first if i == 0 else rest) + "".join(paint(t, s) for s, t in line) for i, line in enumerate(lines)]


def _bullet(spans: list[markdown.Span], width: int, paint: Paint) -> list[str]:
    """A hanging indent: the marker, then every wrapped line aligned under the first word."""
    style, text = spans[0] if spans else ("", "")
    m = _BULLET.match(text)
    marker = "•" if m and m.group(2) in "-*+" else (m.group(2) if m else "•")
    rest_spans = [(style, text[m.end() :] if m else text), *spans[1:]]
    pad = " " * (len(marker) + 3)
    lines = _prose(rest_spans, width, paint, pad, pad)
    if lines:
        lines[0] = "  " + paint(marker, "bullet") + " " + lines[0][len(pad) :]
    return lines


def code(text: str, language: str, width: int, paint: Paint, indent: str = "  ") -> list[str]:
    return [
        indent + "".join(paint(t, k) for k, t in line) for line in code_lines(text, language, width - len(indent))
    ]


def nested(spans: list[markdown.Span]) -> list[markdown.Span]:
    """`code` inside *emphasis* or **bold** (grader.ui.markdown matches the outer markers first): shown as code,
    the rest of the span keeps its style, instead of showing the backticks."""
    out: list[markdown.Span] = []
    for style, text in spans:
        if style in ("italic", "bold") and "`" in text:
            out += [(inner if inner == "code" else style, t) for inner, t in markdown.spans(text)]
        else:
            out.append((style, text))
    return out


def body(text: str, width: int, paint: Paint) -> list[str]:
    out: list[str] = []
    for block in markdown.blocks(text, document=True):
        if block[0] == "heading":  # a `# ` line inside a section: styled like a section heading
            out += [paint("".join(t for _, t in row), "heading") for row in wrap(block[1], width)]
        elif block[0] == "para":
            out += _prose(nested(block[1]), width, paint, " ", " ")
        elif block[0] == "bullet":
            out += _bullet(nested(block[1]), width, paint)
        elif block[0] == "code":
            out += code(block[1], block[2], width, paint)
        else:
            out.append("")
    return out


def heading(s: Section, topic: str, width: int, paint: Paint) -> list[str]:
    """The title (wrapped if it must be), its anchor right-aligned when it fits, underlined in plain text."""
    anchor = f"{topic}#{s.slug}"
    rows = ["".join(t for _, t in row) for row in wrap([("", s.title)], width)]
    out = [paint(row, "heading") for row in rows]
    if len(rows[-1]) + 2 + len(anchor) <= width:
        out[-1] += paint(" " * (width - len(rows[-1]) - len(anchor)) + anchor, "anchor")
    elif len(anchor) <= width:
        # On a line of its own rather than left out: "Read more" sends learners to `dojo learn topic#anchor`, and
        # a long title's section was the one whose anchor could not be found on screen.
        out.append(paint(" " * (width - len(anchor)) + anchor, "anchor"))
    if not paint.color:  # no bold to mark it: a rule under it does
        out.append("─" * max(len(r) for r in rows))
    return out


def render(lesson: Lesson, *, width: int, color: bool, section: Section | None = None) -> str:
    """The whole lesson, or its title and one section."""
    width = max(MIN_WIDTH, width)
    paint = Paint(color)
    rows = ["".join(t for _, t in row) for row in wrap([("", lesson.title)], width)]
    out = [paint(row, "title") for row in rows]
    if not color:
        out.append("═" * max(len(r) for r in rows))
    if section is None and lesson.intro:
        out += ["", *body(lesson.intro, width, paint)]
    for s in [section] if section else lesson.sections:
        out += ["", *heading(s, lesson.topic, width, paint), "", *body(s.body, width, paint)]
    return "\n".join(out) + "\n"


def listing(lessons: list[Lesson], *, width: int, color: bool, hint: str) -> str:
    """One line per lesson: topic and title, then how to read one."""
    paint = Paint(color)
    pad = max((len(x.topic) for x in lessons), default=0) + 2
    out = [paint("Lessons", "title"), ""]
    for x in sorted(lessons, key=lambda x: x.topic):
        # Wrapped under itself, whole: cut to the width it lost its last words ("limits and ti…" at 60 columns).
        first, *rest = textwrap.wrap(x.title, max(20, width - pad - 2)) or [""]
        out.append("  " + paint(x.topic.ljust(pad), "code") + first)
        out += [" " * (pad + 2) + line for line in rest]
    return "\n".join([*out, "", paint(hint, "dim")]) + "\n"
