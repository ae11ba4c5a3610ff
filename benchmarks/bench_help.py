"""`dojo --help` and `dojo validate` start-up vs a bare typer hello-world app's `--help` (target: within 1.3x)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from _util import report, side_by_side, time_command

HELLO = '''
import typer
app = typer.Typer()

@app.command()
def hello(name: str = "world") -> None:
    """Say hello."""
    print(f"hello {name}")

@app.command()
def bye() -> None:
    """Say bye."""

app()
'''


def main(rounds: int = 21) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        hello = Path(tmp) / "hello.py"
        hello.write_text(HELLO)
        py = sys.executable
        samples = side_by_side(
            {
                "typer hello --help": lambda: time_command([py, str(hello), "--help"]),
                "dojo --help": lambda: time_command([py, "-m", "grader", "--help"]),
                "dojo kata list --json": lambda: time_command([py, "-m", "grader", "kata", "list", "--json"]),
            },
            rounds,
        )
    report(samples, "typer hello --help")


if __name__ == "__main__":
    main()
