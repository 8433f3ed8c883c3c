"""The monthly bulletin: its numbers, its files (JSON, HTML, Markdown, charts, the Word notice)."""
