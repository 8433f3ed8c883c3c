"""Secrets in contact URLs: `${NAME}` from the environment, `${secret:block}` from a Prefect Secret block.

A contact URL is stored and shown with its references; the values are put in right before sending, and never
stored, logged or shown.
"""

from __future__ import annotations

import os
import re

SECRET_REFERENCE = re.compile(r"\$\{((?:secret:[a-z0-9-]+)|[A-Z0-9_]+)\}")


class SecretError(ValueError):
    """A contact URL names a secret that is not there; the message names it (never its value)."""


def expand_secrets(url: str) -> str:
    """Put `${NAME}` values from the environment, or `${secret:block}` values from Prefect Secret blocks, into
    a contact URL, right before sending. The expanded URL is never stored or shown."""
    def value(match: re.Match) -> str:
        name = match.group(1)
        if name.startswith("secret:"):
            return _secret_block(name.removeprefix("secret:"))
        if name not in os.environ:
            raise SecretError(f"contact URL needs the environment variable {name}, which is not set")
        return os.environ[name]

    return SECRET_REFERENCE.sub(value, url)


def _secret_block(name: str) -> str:
    from prefect.blocks.system import Secret

    try:
        return Secret.load(name).get()
    except ValueError as exc:
        raise SecretError(f"contact URL needs the Prefect Secret block '{name}', which does not exist") from exc
