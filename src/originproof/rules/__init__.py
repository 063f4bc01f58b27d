"""Rules: one module per family. Each rule is a pure function of facts, policy and registries."""
from originproof.rules.engine import run_rules

__all__ = ["run_rules"]
