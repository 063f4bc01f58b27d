"""Thin task entry points: the same `run_version` runs on the in-process pool (embedded) and on
Celery workers (distributed)."""
