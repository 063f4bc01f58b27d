from tests.api.conftest import running, small_dossier_dir  # noqa: F401 — the same running service
