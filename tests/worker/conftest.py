from tests.api.conftest import small_dossier_dir  # noqa: F401 — the same small dossier
