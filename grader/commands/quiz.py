"""Quiz commands (quiz, stats, topics)."""

from __future__ import annotations
