"""Concurrency Dojo: practise Python concurrency with quizzes and graded katas."""

__version__ = "0.1.0"
