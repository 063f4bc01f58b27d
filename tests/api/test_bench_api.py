"""`originproof bench api` runs end to end and reports every scenario against its baseline."""
from __future__ import annotations

from originproof.service.bench import run_api_bench


def test_bench_api_reports_all_scenarios():
    res = run_api_bench(reads=12, submissions=3, concurrency=2, threads=1, brands=2)
    assert res["mode"] == "embedded" and res["checks_done"]["n"] == 3
    for key in ("case_reads", "case_lists", "report_reads", "submissions"):
        f = res[key]
        assert f["n"] > 0 and f["p50_ms"] <= f["p95_ms"] <= f["p99_ms"] and f["p50_vs_baseline"] is not None
