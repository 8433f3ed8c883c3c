"""Jinja2 templates for messages and bulletins. A package only so that they install with the code."""

from pathlib import Path

TEMPLATE_DIR = Path(__file__).parent
