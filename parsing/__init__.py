"""Document parsing: policy documents in, reform tasks (with units and deadlines) out."""

from reformflow.parsing.documents import ExtractionError, extract_file, extract_text
from reformflow.parsing.model import ExtractedDocument, ExtractedTask, Problem

__all__ = ["ExtractedDocument", "ExtractedTask", "ExtractionError", "Problem", "extract_file", "extract_text"]
