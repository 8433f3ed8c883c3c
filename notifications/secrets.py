"""Secrets in contact URLs: `${NAME}` from the environment, `${secret:block}` from a Prefect Secret block.

A contact URL is stored and shown with its references; the values are put in right before sending, and never
stored, logged or shown.
"""

from __future__ import annotations

import os
import re
from typing import NamedTuple

SECRET_REFERENCE = re.compile(r"\$\{((?:secret:[a-z0-9-]+)|[A-Z0-9_]+)\}")


class SecretError(ValueError):
    """A contact URL names a secret that is not there; the message names it (never its value)."""


class Expanded(NamedTuple):
    url: str  # the URL to send with: never stored or shown
    secrets: tuple[str, ...]  # the values put in, so that any text about the send can be scrubbed of them


def expand(url: str) -> Expanded:
    """Put `${NAME}` values from the environment, or `${secret:block}` values from Prefect Secret blocks, into
    a contact URL, right before sending, and say which values went in."""
    values: list[str] = []

    def value(match: re.Match) -> str:
        name = match.group(1)
        if name.startswith("secret:"):
            found = _secret_block(name.removeprefix("secret:"))
        elif name not in os.environ:
            raise SecretError(f"contact URL needs the environment variable {name}, which is not set")
        else:
            found = os.environ[name]
        if found:
            values.append(found)
        return found

    return Expanded(SECRET_REFERENCE.sub(value, url), tuple(values))


def expand_secrets(url: str) -> str:
    """The contact URL with its secrets put in."""
    return expand(url).url


def _secret_block(name: str) -> str:
    from prefect.blocks.system import Secret

    try:
        return str(Secret.load(name).get())
    except ValueError as exc:
        raise SecretError(f"contact URL needs the Prefect Secret block '{name}', which does not exist") from exc
