"""``make bench`` ends with every target's verdict in one list (bench/__main__.py)."""

from __future__ import annotations

from bench.__main__ import targets, verdict


def test_each_way_a_module_says_a_verdict_is_read() -> None:
    assert verdict("met (1.21x, target <= 1.5x)") == "met"
    assert verdict("NOT met (<= 5.0x)") == "NOT met"
    assert verdict("not met") == "NOT met"
    assert verdict(False) == "NOT met"
    assert verdict("True (target <= 5.0x)") == "met"
    assert verdict(12.5) is None
    assert verdict("metres") is None
    assert verdict("SCAN m / SEARCH l") is None


def test_the_summary_lists_targets_only_with_what_the_module_said() -> None:
    results: dict[str, dict[str, object]] = {
        "bench_x": {
            "ratio": 1.2,
            "within_target": "met (1.2x)",
            "label": "fast",
            "ok_target": False,
        },
        "bench_y": {"target_flat": "NOT met (12 MiB)", "uses_index": True},
    }
    assert targets(results) == [
        "bench_x: within_target: met (1.2x)",
        "bench_x: ok_target: NOT met (False)",
        "bench_y: target_flat: NOT met (12 MiB)",
    ]
