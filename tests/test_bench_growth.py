"""bench_growth runs what its table says: every command at one small size, each run whole and
successfully (a command that fails is recorded as FAILED rather than losing the table), so a
mistake in one surfaces here and not twenty minutes into the million-record run."""

from __future__ import annotations

from pathlib import Path

from bench import bench_growth


def test_every_command_of_the_growth_table_runs_at_a_small_size(tmp_path: Path) -> None:
    rows = bench_growth.one_size(tmp_path, 300)
    assert set(rows) == {"build", "check", "validate", "remit", "reconcile"}
    for name, row in rows.items():
        assert "failed" not in row, (name, row)
        assert float(row["seconds"]) > 0 and float(row["peak_rss_mib"]) > 0


def test_a_failing_command_is_recorded_not_raised() -> None:
    row = bench_growth.command("remit", "/nonexistent/remit.835")
    assert str(row["failed"]).startswith("exit 2")
