"""Document parsing: policy documents in, reform tasks (with units and deadlines) out."""

from reformflow.parsing.documents import ExtractionError, extract_file, extract_text
from reformflow.parsing.limits import LIMITS, DocumentLimits
from reformflow.parsing.model import ExtractedDocument, ExtractedTask, Milestone, Problem

__all__ = ["LIMITS", "DocumentLimits", "ExtractedDocument", "ExtractedTask", "ExtractionError", "Milestone",
           "Problem", "extract_file", "extract_text"]
