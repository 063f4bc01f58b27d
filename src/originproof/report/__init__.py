"""report@1: the model and its renderers (json, text, md, html)."""
from originproof.report.model import build_report

__all__ = ["build_report"]
