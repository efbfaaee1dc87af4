from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from edi837.errors import ConfigError
from edi837.ingest.profile import load_profile, parse_profile
from edi837.ingest.template import PROFILE_TEMPLATE
from edi837.model.common import Usage
from edi837.model.identifiers import npi_is_valid

from .conftest import FIXTURES


def sample() -> dict[str, Any]:
    return tomllib.loads((FIXTURES / "profile.toml").read_text(encoding="utf-8"))


def problems(data: dict[str, Any]) -> str:
    with pytest.raises(ConfigError) as caught:
        parse_profile(data, "p.toml")
    return str(caught.value)


def test_the_sample_profile_loads() -> None:
    profile = load_profile(FIXTURES / "profile.toml")
    assert profile.billing_provider.npi == "1234567893"
    assert npi_is_valid(profile.billing_provider.npi)
    assert profile.interchange.usage is Usage.TEST
    assert profile.fallback_address.city == "EUREKA"


def test_usage_defaults_to_test() -> None:
    data = sample()
    del data["interchange"]["usage"]
    assert parse_profile(data, "p").interchange.usage is Usage.TEST


def test_the_template_is_refused_until_filled() -> None:
    message = problems(tomllib.loads(PROFILE_TEMPLATE))
    assert "[billing_provider] npi still holds the template placeholder" in message
    assert "hint" in message


@pytest.mark.parametrize(
    ("table", "key", "value", "fragment"),
    [
        ("billing_provider", "npi", "1234567890", "not a valid NPI"),
        ("billing_provider", "zip", "95401", "9 digits"),
        ("billing_provider", "address1", "PO Box 12", "not a PO box"),
        ("billing_provider", "ein", "12-34", "9 digits"),
        ("billing_provider", "taxonomy", "ABC", "taxonomy"),
        ("interchange", "usage", "X", "T (test) or P"),
        ("interchange", "sender_qualifier", "99", "ISA ID qualifier"),
        ("interchange", "sender_id", "A" * 16, "at most 15"),
        ("claims", "place_of_service", "1A", "place of service"),
        ("claims", "max_lines_per_claim", 51, "from 1 to 50"),
        ("policies", "minute_rounding", "nearest", "round-half-up"),
        ("policies", "u8_before_enrollment", "info", "warn or error"),
        ("policies", "u8_limit_counts", "minutes", "attempts, days, units"),
        ("policies", "one_unit_minimum", "outreach", "a list of"),
        ("policies", "one_unit_minimum", ["outreach", "G9007"], "a list of"),
        ("policies", "deposit_cap", "per-episode", "per-tar, per-member"),
        ("policies", "recuperative_gap_days", -1, "from 0 to 30"),
    ],
)
def test_each_bad_value_is_named_by_its_key(
    table: str, key: str, value: object, fragment: str
) -> None:
    data = sample()
    data[table][key] = value
    message = problems(data)
    assert f"[{table}] {key}" in message and fragment in message


def test_rates_must_be_exact() -> None:
    data = sample()
    data["fee_schedule"] = {"S5170-U6": {"rate": 15.5}}
    assert "TOML floats are not exact" in problems(data)


def test_a_new_code_needs_a_unit() -> None:
    from edi837.services.prepare import fee_schedule_for

    data = sample()
    data["fee_schedule"] = {"99999": {"rate": "10.00"}}
    with pytest.raises(ConfigError, match="needs a unit"):
        fee_schedule_for(parse_profile(data, "p"))


def test_missing_file_and_broken_toml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_profile(tmp_path / "nope.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[submitter\nname = 1")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_profile(broken)


def test_the_new_policy_settings_default_to_the_seeds_reading_and_parse_the_other() -> None:
    from edi837.ingest.profile import parse_profile
    from edi837.model.profile import DepositCapScope, OutreachCount, ShortAttemptScope

    default = parse_profile(sample(), "p").policies
    assert default.u8_limit_counts is OutreachCount.ATTEMPTS
    assert default.one_unit_minimum == {ShortAttemptScope.OUTREACH}
    assert default.deposit_cap is DepositCapScope.PER_TAR
    assert default.recuperative_gap_days == 0
    data = sample()
    data["policies"].update(
        u8_limit_counts="days",
        one_unit_minimum=["outreach", "cs"],
        deposit_cap="per-member",
        recuperative_gap_days=1,
    )
    other = parse_profile(data, "p").policies
    assert other.u8_limit_counts is OutreachCount.DAYS
    assert other.one_unit_minimum == {ShortAttemptScope.OUTREACH, ShortAttemptScope.CS}
    assert other.deposit_cap is DepositCapScope.PER_MEMBER
    assert other.recuperative_gap_days == 1


def test_the_documented_and_templated_policies_are_the_defaults() -> None:
    import re

    from edi837.model.profile import Policies

    doc = (FIXTURES.parent / "docs" / "profile.md").read_text(encoding="utf-8")
    block = re.search(r"```toml\n(\[policies\]\n.*?)```", doc, re.DOTALL)
    assert block is not None
    template = re.search(r"(\[policies\]\n.*?)\n\n", PROFILE_TEMPLATE, re.DOTALL)
    assert template is not None
    for text in (block.group(1), template.group(1)):
        data = sample()
        data["policies"] = tomllib.loads(text)["policies"]
        assert parse_profile(data, "p").policies == Policies()
