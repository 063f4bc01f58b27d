"""The one-directional data path: intake → extract (cached) → facts → rules → verdict → report/store."""
from originproof.pipeline.check import CheckOptions, CheckResult, check_path

__all__ = ["CheckOptions", "CheckResult", "check_path"]
