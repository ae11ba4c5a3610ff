"""`dojo stats` as pictures: totals, per-topic bars, a 12-week activity heatmap and a review forecast.

Everything fits 60 columns. The glyphs carry the levels by themselves (colour only adds to them), so the screen
reads the same with NO_COLOR or in a log file.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from rich.console import Console
from rich.table import Table
from rich.text import Text

from grader.invocation import command
from grader.srs import when

LEVELS = "·░▒▓█"  # the heatmap, from no activity to the busiest day
LEVEL_STYLES = ("bright_black", "green4", "green3", "green1", "bold green1")
WEEKDAYS = ("Mon", "", "Wed", "", "Fri", "", "Sun")


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.0f}%"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def bar(part: int, whole: int, width: int) -> tuple[str, str]:
    """(filled, empty) parts of a bar `width` cells wide; any progress shows at least one cell."""
    if whole <= 0:
        return "", "░" * width
    filled = round(width * part / whole)
    if part and not filled:
        filled = 1
    return "█" * filled, "░" * (width - filled)


def level(count: int, busiest: int) -> int:
    """0 for no activity, else 1-4 by quarter of the busiest day."""
    if count <= 0 or busiest <= 0:
        return 0
    return min(4, 1 + (4 * count - 1) // busiest)


def _headline(st: dict) -> Text:
    t = Text()
    t.append("Answered ", "bold").append(f"{st['answered']}  ")
    t.append("Right ", "bold").append(f"{st['correct']} ({_pct(st['accuracy'])})  ")
    t.append("Seen ", "bold").append(f"{st['questions_seen']} of {st['questions_total']}\n")
    t.append("Streak ", "bold").append(f"{_plural(st['streak_days'], 'day')}  ")
    t.append("Katas passed ", "bold").append(f"{st['katas_passed']} of {st['katas_total']}")
    return t


def _reviews(st: dict, now: datetime) -> Text:
    t = Text()
    t.append("Reviews ", "bold")
    t.append(f"{st['due_now']} due now", "bold yellow" if st["due_now"] else "")
    t.append(f" · {st['due_later_today']} later today")
    if st["next_review_at"] and not st["due_now"]:
        t.append(f" · next {when(datetime.fromisoformat(st['next_review_at']), now)}")
    return t


def _topic_bars(con: Console, rows: list[dict]) -> Table:
    name_w = min(18, max(len(r["topic"]) for r in rows))
    width = max(8, min(24, con.width - name_w - 20))
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True, style="cyan", max_width=name_w, overflow="ellipsis")
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True, justify="right")
    table.add_column(no_wrap=True, justify="right", style="dim")
    for r in rows:
        filled, empty = bar(r["mastered"], r["questions"], width)
        table.add_row(
            r["topic"],
            Text.assemble((filled, "green"), (empty, "bright_black")),
            f"{r['mastered']}/{r['questions']}",
            _pct(r["accuracy"]),
        )
    return table


def _heatmap(days: list[dict]) -> Text:
    """Weeks as columns (oldest left), weekdays as rows, Monday on top; month names above their first week."""
    cells = [(date.fromisoformat(d["date"]), d["count"]) for d in days]
    busiest = max((c for _, c in cells), default=0)
    weeks = [cells[i : i + 7] for i in range(0, len(cells), 7)]
    t = Text()
    months = [" "] * (2 * len(weeks) + 4)
    for w, week in enumerate(weeks):
        # A month is named above the week that holds its 1st (the first week is named too).
        first = next((d for d, _ in week if d.day == 1), week[0][0] if w == 0 else None)
        if first is not None:
            name = f"{first:%b}"
            if all(c == " " for c in months[max(0, 2 * w - 1) : 2 * w + len(name) + 1]):
                months[2 * w : 2 * w + len(name)] = name
    t.append("    " + "".join(months).rstrip() + "\n", "dim")
    for row in range(7):
        t.append(f"{WEEKDAYS[row]:<4}", "dim")
        for week in weeks:
            if row < len(week):
                lv = level(week[row][1], busiest)
                t.append(LEVELS[lv] + " ", LEVEL_STYLES[lv])
        t.append("\n")
    t.append("    less ", "dim")
    for lv, glyph in enumerate(LEVELS):
        t.append(glyph + " ", LEVEL_STYLES[lv])
    t.append(f"more  (busiest day: {busiest})" if busiest else "more", "dim")
    return t


def _forecast(con: Console, days: list[dict], today: date) -> Table:
    most = max((d["due"] for d in days), default=0)
    width = max(8, min(30, con.width - 16))
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True, style="dim")
    table.add_column(no_wrap=True)
    for d in days:
        day = date.fromisoformat(d["date"])
        label = "Today" if day == today else "Tomorrow" if (day - today).days == 1 else f"{day:%a %d}"
        filled, _ = bar(d["due"], most, width)
        # A day with nothing due shows "-" where the bars begin, not one column to their right.
        table.add_row(label, Text.assemble((filled, "yellow"), (f" {d['due']}" if d["due"] else "-", "")))
    return table


def show_stats(con: Console, st: dict, now: datetime | None = None) -> None:
    now = now or datetime.now(UTC)
    today = now.astimezone().date()
    con.print(_headline(st))
    con.print(_reviews(st, now))
    rows = st["all_topics"]
    if rows:
        con.print()
        con.print(Text("Topics: questions whose last answer was right · accuracy", style="bold"))
        con.print(_topic_bars(con, rows))
    con.print()
    con.print(Text(f"Activity, last {len(st['activity']) // 7 + (len(st['activity']) % 7 > 0)} weeks", "bold"))
    con.print(_heatmap(st["activity"]))
    if any(d["due"] for d in st["forecast"]):
        con.print()
        con.print(Text("Reviews coming up", style="bold"))
        con.print(_forecast(con, st["forecast"], today))
    con.print()
    if st["due_now"]:
        tip = f"{command('quiz', '--review')}  ({_plural(st['due_now'], 'question')} due now)"
    elif not st["answered"]:
        tip = f"Start with: {command('quiz')}"
    else:
        tip = f"What to do now: {command('next')}"
    con.print(Text(tip, style="dim"), soft_wrap=True)  # a command is never split by a newline
