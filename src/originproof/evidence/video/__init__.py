"""Reader package; registers itself with originproof.evidence.readers when built."""
