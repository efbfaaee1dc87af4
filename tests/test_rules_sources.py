"""Each payer rule quotes the seed sentences it rests on, and each quote is really in that seed."""

from __future__ import annotations

import re

import attrs
import pytest

from edi837.issues import Severity
from edi837.model.profile import Policies
from edi837.rules.registry import all_rules

from .conftest import SHARED

SEEDS = SHARED / "seeds"


def _plain(text: str) -> str:
    """The seed text as a reader sees it: no markdown emphasis or escapes, one space for any run."""
    text = text.replace("**", "").replace("\\$", "$").replace("\\(", "(").replace("\\)", ")")
    return re.sub(r"\s+", " ", text).strip()


def test_every_payer_rule_quotes_a_seed_unless_it_has_none() -> None:
    for rule in all_rules():
        if rule.pack != "partnership":
            continue
        seeds_named = re.findall(r"\b00\d\b", rule.source)
        if seeds_named:
            assert rule.quotes, f"{rule.id} cites {rule.source} but quotes nothing"
            assert {seed for seed, _ in rule.quotes} <= set(seeds_named), rule.id


def test_every_quote_is_in_the_seed_it_names() -> None:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not present")
    texts = {path.name[:3]: _plain(path.read_text(encoding="utf-8")) for path in SEEDS.iterdir()}
    for rule in all_rules():
        for seed, sentence in rule.quotes:
            assert _plain(sentence) in texts[seed], f"{rule.id}: not in seed {seed}: {sentence!r}"


def test_a_severity_setting_names_a_policy_that_holds_a_severity() -> None:
    fields = {f.name for f in attrs.fields(Policies)}
    for rule in all_rules():
        if rule.severity_setting:
            assert rule.severity_setting in fields, rule.id
            Severity(getattr(Policies(), rule.severity_setting))
            assert rule.configurable, f"{rule.id}: say which setting in `configurable`"


def test_the_catalogue_order_lists_every_payer_rule_once() -> None:
    from edi837.rules.partnership import CATALOGUE_ORDER

    payer = {rule.id for rule in all_rules() if rule.pack == "partnership"}
    assert len(CATALOGUE_ORDER) == len(set(CATALOGUE_ORDER))
    assert payer <= set(CATALOGUE_ORDER), payer - set(CATALOGUE_ORDER)
