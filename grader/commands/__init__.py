"""Typer command modules. Each registers its commands on the root app in grader.cli."""
