"""Text that is safe to store and to write anywhere: no NUL, no control characters.

Outside text arrives with characters that break what comes after it: PostgreSQL refuses NUL in a text column,
Word (XML 1.0) and openpyxl refuse every C0 control but tab and newline, and a lone surrogate cannot even be
encoded as UTF-8. Every entrance (documents, report files, the directory) passes its text through here, so
nothing stored can break the Word notice, the database or the Excel ledger later.

The characters that mean a line break (Word's manual break \\x0b, form feed, the Unicode line and paragraph
separators) become a newline; the rest (NUL, other C0 and C1 controls, DEL, non-characters, surrogates) are
dropped. Tab stays.
"""

from __future__ import annotations

import re

# Line breaks by another name: \x0b is what Word's Shift+Enter becomes when text is pasted out of it.
_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_DROPPED = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
_BREAK = re.compile(r"\r\n|[" + _BREAKS + "]")
_UNSAFE = re.compile(_DROPPED.pattern[:-1] + _BREAKS + "]")


def unsafe_characters(text: str) -> list[str]:
    """The characters `safe_text` would change, as `U+000B`, each once, in order of appearance."""
    return list(dict.fromkeys(f"U+{ord(ch):04X}" for ch in _UNSAFE.findall(text)))


def safe_text(text: str) -> str:
    """Line breaks of every kind as `\\n`; NUL and the other control characters dropped."""
    if not _UNSAFE.search(text):  # the usual case: nothing to do, no copy
        return text
    return _DROPPED.sub("", _BREAK.sub("\n", text))


def safe_line(text: str) -> str:
    """For one-line values (a name, a code, a cell): line breaks of every kind as a space."""
    return " ".join(safe_text(text).split("\n"))
