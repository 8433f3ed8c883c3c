"""Readers for the formats that need more than a parser: PDF, legacy Word (.doc/.wps) and scans (OCR).

Each returns the `SourceText` that `reformflow.parsing.sources.read_source` returns for the other formats.
"""
