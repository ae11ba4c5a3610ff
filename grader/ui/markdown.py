"""Just enough Markdown for question text, parsed into plain data: paragraphs, bullet lines, `code`, **bold**,
*emphasis* and fenced code blocks. Two renderers use it: rich (display.py, for feedback) and bare ANSI (ansi.py,
for the question itself, so that no rich is imported before the first question is on screen). rich.markdown
would pull in markdown-it, which costs more than the whole first question may (benchmarks/bench_quiz_startup.py).
"""

from __future__ import annotations

import re

_FENCE = re.compile(r"^\s*```\s*([\w+-]*)\s*$")
_INLINE = re.compile(r"(`[^`]+`|\*\*[^*]+\*\*|(?<![\w*])\*[^*\s][^*]*\*(?![\w*])|(?<!\w)_[^_\s][^_]*_(?!\w))")
_BULLET = re.compile(r"^\s*([-*+]|\d+[.)])\s+")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")

Span = tuple[str, str]  # (style: "" | "code" | "bold" | "italic", text)
# ("para", spans) | ("bullet", spans) | ("code", text, language) | ("gap",) | ("heading", spans) (opt-in)
Block = tuple


def spans(text: str) -> list[Span]:
    """Inline markup turned into styled pieces (the markers themselves are dropped)."""
    out: list[Span] = []
    for part in _INLINE.split(text):
        if not part:
            continue
        if part.startswith("`") and part.endswith("`") and len(part) > 1:
            out.append(("code", part[1:-1]))
        elif part.startswith("**") and part.endswith("**") and len(part) > 4:
            out.append(("bold", part[2:-2]))
        elif len(part) > 2 and part[0] == part[-1] and part[0] in "*_":
            out.append(("italic", part[1:-1]))
        else:
            out.append(("", part))
    return out


def blocks(markdown: str, *, document: bool = False) -> list[Block]:
    """Paragraphs are re-flowed (single newlines become spaces), as Markdown does; bullets keep their lines.

    A `document` (a kata's task) also has `# Title` lines, as ("heading", spans) blocks, and bullets whose
    indented continuation lines belong to them. Question text keeps the simpler reading its renderers expect."""
    out: list[Block] = []
    para: list[str] = []
    code: list[str] | None = None
    lang = ""
    bullet: list[str] = []  # the current bullet's lines, while its continuation lines may follow

    def flush() -> None:
        if para:
            out.append(("para", spans(" ".join(s.strip() for s in para))))
            para.clear()

    for line in markdown.splitlines():
        fence = _FENCE.match(line)
        if code is not None:
            if fence:
                out.append(("code", "\n".join(code), lang or "python"))
                code = None
            else:
                code.append(line)
        elif fence:
            flush()
            code, lang, bullet = [], fence.group(1), []
        elif not line.strip():
            flush()
            bullet = []
            if out and out[-1] != ("gap",):
                out.append(("gap",))
        elif document and (h := _HEADING.match(line)):
            flush()
            bullet = []
            out.append(("heading", spans(h.group(2))))
        elif _BULLET.match(line):
            flush()
            out.append(("bullet", spans(line.rstrip())))
            bullet = [line.rstrip()]
        elif document and bullet and not para and line[:1] in (" ", "\t"):
            bullet.append(line.strip())
            out[-1] = ("bullet", spans(" ".join(bullet)))
        else:
            bullet = []
            para.append(line)
    if code is not None:  # an unclosed fence: show what there is
        out.append(("code", "\n".join(code), lang or "python"))
    flush()
    while out and out[-1] == ("gap",):
        out.pop()
    return out


def is_python(language: str) -> bool:
    return language in ("python", "py", "python3", "")
