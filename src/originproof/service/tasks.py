"""Kept for existing imports (`originproof.service.tasks`): the Celery app lives in worker/."""
from originproof.worker.celery_app import app, check_dossier, make_app, run_version_task, zip_dossier

__all__ = ["app", "check_dossier", "make_app", "run_version_task", "zip_dossier"]
