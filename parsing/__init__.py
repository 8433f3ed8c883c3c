"""Document parsing: policy documents in, reform tasks (with units and deadlines) out."""

from reformflow.parsing.documents import ExtractionError, extract_file, extract_text
from reformflow.parsing.model import ExtractedDocument, ExtractedTask, Milestone, Problem

__all__ = ["ExtractedDocument", "ExtractedTask", "ExtractionError", "Milestone", "Problem", "extract_file",
           "extract_text"]
