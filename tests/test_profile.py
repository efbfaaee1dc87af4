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


# -- strict keys ---------------------------------------------------------------------------------


def test_a_misspelled_key_is_an_error_with_did_you_mean() -> None:
    data = sample()
    data["interchange"]["useage"] = data["interchange"].pop("usage")
    message = problems(data)
    assert "[interchange] useage is not a setting of [interchange]: did you mean usage?" in message


def test_a_misspelled_table_is_an_error_with_did_you_mean() -> None:
    data = sample()
    data["fallback_adress"] = data.pop("fallback_address")
    assert "[fallback_adress] is not a profile table: did you mean [fallback_address]?" in problems(
        data
    )


def test_every_misspelling_is_listed_with_every_other_problem_at_once() -> None:
    data = sample()
    data["interchange"]["useage"] = "P"
    data["interchange"]["ack_requsted"] = data["interchange"].pop("ack_requested")
    data["fallback_adress"] = data.pop("fallback_address")
    data["billing_provider"]["npi"] = "1234567890"
    message = problems(data)
    assert "4 problem(s)" in message
    assert "did you mean usage?" in message and "did you mean ack_requested?" in message
    assert "did you mean [fallback_address]?" in message and "not a valid NPI" in message
    # the unknown keys come first
    assert message.index("useage") < message.index("not a valid NPI")


def test_a_misspelled_required_key_is_not_also_reported_missing() -> None:
    data = sample()
    data["billing_provider"]["nip"] = data["billing_provider"].pop("npi")
    data["submiter"] = data.pop("submitter")
    message = problems(data)
    assert "did you mean npi?" in message and "did you mean [submitter]?" in message
    assert "npi is missing" not in message and "[submitter] is missing" not in message
    assert "[submitter] name is missing" not in message
    assert "2 problem(s)" in message


def test_a_key_in_the_wrong_place_says_where_it_belongs() -> None:
    data = sample()
    data["usage"] = "P"
    data["claims"]["minute_rounding"] = "round-up"
    message = problems(data)
    assert (
        "usage is outside any table and is not a profile setting: did you mean [interchange] usage?"
        in message
    )
    assert (
        "[claims] minute_rounding is not a setting of [claims]: did you mean [policies] minute_rounding?"
        in message
    )


def test_a_misspelled_fee_schedule_setting_is_an_error() -> None:
    data = sample()
    data["fee_schedule"] = {"S5170-U6": {"rat": "15.00"}}
    assert "rat is not a fee schedule setting: did you mean rate?" in problems(data)


def test_a_missing_table_is_one_problem_not_one_per_key() -> None:
    data = sample()
    del data["billing_provider"]
    message = problems(data)
    assert "1 problem(s)" in message and "[billing_provider] is missing" in message


@pytest.mark.parametrize("rate", ["1E+999999", "400,00", "-1"])
def test_a_fee_schedule_rate_is_money(rate: str) -> None:
    data = sample()
    data["fee_schedule"] = {"S5170-U6": {"rate": rate}}
    assert "[fee_schedule.'S5170-U6'] rate" in problems(data)


def test_deeply_nested_toml_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "deep.toml"
    path.write_text("a = " + "[" * 50_000 + "]" * 50_000 + "\n")
    with pytest.raises(ConfigError, match="too deeply"):
        load_profile(path)


class Reads(dict[str, Any]):
    """A TOML table that remembers which keys the loader asked for."""

    def __init__(self, data: dict[str, Any], asked: dict[str, set[str]], name: str = "") -> None:
        super().__init__(
            {
                k: Reads(v, asked, k) if isinstance(v, dict) and not name else v
                for k, v in data.items()
            }
        )
        self.asked = asked.setdefault(name, set())

    def get(self, key: str, default: Any = None) -> Any:
        self.asked.add(key)
        return super().get(key, default)

    def __getitem__(self, key: str) -> Any:
        self.asked.add(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        self.asked.add(str(key))
        return super().__contains__(key)


def test_the_declared_keys_are_the_keys_the_loader_reads() -> None:
    from edi837.ingest.profile_keys import TABLES

    asked: dict[str, set[str]] = {}
    data = sample()
    data["records"] = {"date_format": "YYYY-MM-DD"}  # every table present, so each is read
    parse_profile(Reads(data, asked), "p")
    assert asked[""] >= set(TABLES)
    for table, keys in TABLES.items():
        if keys is not None:
            assert asked.get(table, set()) == set(keys), f"[{table}]"


def test_every_setting_is_in_the_docs_and_the_template() -> None:
    from edi837.ingest.profile_keys import FEE_ENTRY_KEYS, TABLES

    from .conftest import REPO

    doc = (REPO / "docs" / "profile.md").read_text(encoding="utf-8")
    for table, keys in TABLES.items():
        assert f"[{table}]" in doc and f"[{table}]" in PROFILE_TEMPLATE
        for key in keys or FEE_ENTRY_KEYS:
            assert f"`{key}`" in doc, f"[{table}] {key} is not in docs/profile.md"
            assert key in PROFILE_TEMPLATE, f"[{table}] {key} is not in the template"


def test_the_template_filled_in_loads() -> None:
    filled = PROFILE_TEMPLATE
    for placeholder, value in {
        '"REPLACE ORGANIZATION NAME"': '"NORTH COAST CARE"',
        '"REPLACE-SUBMITTER-ID"': '"NCCC0001"',
        '"REPLACE-10-DIGITS"': '"7075550100"',
        '"REPLACE-RECEIVER-ID"': '"PHCTEST01"',
        '"REPLACE-NPI"': '"1234567893"',
        '"REPLACE-EIN"': '"941234567"',
        '"REPLACE-TAXONOMY"': '"251S00000X"',
        '"REPLACE STREET ADDRESS"': '"100 MAIN ST"',
        '"REPLACE CITY"': '"SANTA ROSA"',
        '"REPLACE-ZIP9"': '"954011234"',
        '"REPLACE-PAYER-ID"': '"PHCTEST"',
        '"REPLACE-SENDER-ID"': '"NCCC0001"',
    }.items():
        filled = filled.replace(placeholder, value)
    assert '"REPLACE' not in filled
    parse_profile(tomllib.loads(filled), "filled")


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
