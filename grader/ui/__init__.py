"""Rendering: the only package that imports questionary or rich."""
