"""Python syntax highlighting with the stdlib tokenizer, as (kind, text) pieces that renderers colour.

pygments (behind rich.syntax) costs about a fifth of questionary's own import time before the first question
can be drawn (benchmarks/bench_quiz_startup.py); the tokenizer is already loaded and knows Python exactly.
Colours are the terminal's own ANSI palette, so code reads on light and dark backgrounds alike.
"""

from __future__ import annotations

import builtins
import io
import keyword
import tokenize

KINDS = ("keyword", "constant", "builtin", "definition", "string", "number", "comment", "decorator")
_BUILTINS = frozenset(dir(builtins))
_CONSTANTS = frozenset({"True", "False", "None"})


def _kind(tok: tokenize.TokenInfo, previous: str) -> str:
    if tok.type == tokenize.NAME:
        if tok.string in _CONSTANTS:
            return "constant"
        if keyword.iskeyword(tok.string):
            return "keyword"
        if previous in ("def", "class"):
            return "definition"
        if previous == "@":
            return "decorator"
        if tok.string in _BUILTINS:
            return "builtin"
        return ""
    if tok.type == tokenize.STRING:
        return "string"
    if tok.type == tokenize.NUMBER:
        return "number"
    if tok.type == tokenize.COMMENT:
        return "comment"
    if tok.type == tokenize.OP and tok.string == "@" and tok.line[: tok.start[1]].strip() == "":
        return "decorator"
    return ""


def segments(code: str) -> list[tuple[str, str]]:
    """(kind, text) pieces that concatenate back to `code` exactly; kind '' is unstyled."""
    starts = [0]
    for line in code.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))

    def offset(row_col: tuple[int, int]) -> int:
        row, col = row_col
        return starts[row - 1] + col if row - 1 < len(starts) else len(code)

    out: list[tuple[str, str]] = []
    pos, previous = 0, ""
    # 3.12+ splits an f-string into FSTRING_START .. FSTRING_END (PEP 701); show it whole, as one string.
    fstring_start = getattr(tokenize, "FSTRING_START", None)
    fstring_end = getattr(tokenize, "FSTRING_END", None)
    depth, fstring_from = 0, 0
    try:
        for tok in tokenize.generate_tokens(io.StringIO(code).readline):
            if fstring_start is not None and tok.type == fstring_start:
                if depth == 0:
                    fstring_from = offset(tok.start)
                depth += 1
                continue
            if depth:
                if tok.type == fstring_end:
                    depth -= 1
                    if depth == 0:
                        start, end = fstring_from, offset(tok.end)
                        if start > pos:
                            out.append(("", code[pos:start]))
                        out.append(("string", code[start:end]))
                        pos = end
                continue
            start, end = offset(tok.start), offset(tok.end)
            if start < pos or end <= start:
                continue
            if start > pos:
                out.append(("", code[pos:start]))
            kind = _kind(tok, previous)
            out.append((kind, code[start:end]))
            pos = end
            if tok.type == tokenize.NAME:
                previous = tok.string
            elif kind == "decorator":
                previous = "@"
    except (tokenize.TokenError, SyntaxError):
        pass  # an unfinished snippet: the rest is shown as it is
    if pos < len(code):
        out.append(("", code[pos:]))
    return out
