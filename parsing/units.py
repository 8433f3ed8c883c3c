"""Unit mentions: which agencies a bracket or a table cell names, and which of them lead.

The name model lives in names.py and the clause grammar in clauses.py; this module keeps the small interface
the table reader and older callers use.
"""

from __future__ import annotations

from reformflow.parsing.clauses import COMMA_STATED, UnitMention, is_explicit, parse_clause
from reformflow.parsing.names import clean_unit_name, split_units

__all__ = ["UnitMention", "clean_unit_name", "explicit_units", "looks_like_units", "parse_unit_bracket",
           "split_units"]


def explicit_units(text: str) -> bool:
    """The bracket says itself that it names units: 责任单位：…, 牵头单位：…, X牵头."""
    return is_explicit(text)


def looks_like_units(text: str) -> bool:
    """True when the bracket names units, explicitly or as a list of agency names."""
    return parse_clause(text) is not None


def parse_unit_bracket(text: str, comma_separates_lead: bool = False) -> UnitMention:
    """Read the content of a unit bracket in any of the layouts offices use (see clauses.parse_clause)."""
    return parse_clause(text, COMMA_STATED if comma_separates_lead else None) or UnitMention()
