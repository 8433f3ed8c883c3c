"""What every command prints the same way: a failure (red, on stderr, exit 1) and text an agency typed."""

from __future__ import annotations

import typer


def fail(message: str) -> None:
    typer.secho(message, err=True, fg=typer.colors.RED)
    raise typer.Exit(1)


def printable(text: str) -> str:
    """Text an agency typed, made safe for a terminal: control characters (escape codes) shown as spaces."""
    return "".join(ch if ch.isprintable() else " " for ch in text)
