"""Pricing: units from minutes, spans and stays; what a record bills before the rules judge it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from edi837.issues import Report
from edi837.model.profile import Profile
from edi837.rules.history import NoHistory
from edi837.services.prepare import Prepared, prepare

from .helpers import profile, write_csv

HEADER = "record_id,member_id,member_last_name,member_first_name,member_dob,member_sex,service_date,hcpcs,modifiers,minutes,units,charge,service_end_date,tar_number,diagnosis_codes"


def priced(tmp_path: Path, *rows: str, prof: Profile | None = None) -> Prepared:
    records = write_csv(tmp_path / "r.csv", HEADER, *rows)
    return prepare(
        records, prof or profile(), as_of=date(2026, 2, 2), history=NoHistory(), report=Report()
    )


def row(
    code: str, mods: str, day: str, *, minutes: str = "", units: str = "", end: str = ""
) -> str:
    return f"p1,92000031A,Reyes,Luz,1961-05-17,F,{day},{code},{mods},{minutes},{units},,{end},T1,Z59.01"


def test_a_one_day_per_diem_with_its_end_date_filled_is_not_warned(tmp_path: Path) -> None:
    done = priced(tmp_path, row("T2033", "U6", "2026-01-20", end="2026-01-20"))
    assert [i.rule_id for i in done.report] == []
    assert done.lines[0].units == 1 and done.lines[0].end_date is None


def test_a_sobering_stay_past_midnight_bills_one_per_diem_on_the_day_it_began(
    tmp_path: Path,
) -> None:
    done = priced(tmp_path, row("H0014", "U6", "2026-01-20", end="2026-01-21"))
    (line,) = done.lines
    assert (line.units, line.charge, line.end_date) == (Decimal(1), Decimal("170.00"), None)
    assert [i.rule_id for i in done.report] == []


def outreach(minutes: str) -> str:
    return row("G9008", "U8", "2026-01-12", minutes=minutes).replace(",T1,", ",,")


@pytest.mark.parametrize("rounding", ["round-half-up", "round-down"])
def test_outreach_under_15_minutes_bills_one_unit_by_default_whatever_the_rounding(
    rounding: str, tmp_path: Path
) -> None:
    done = priced(tmp_path, outreach("4"), prof=profile(policies={"minute_rounding": rounding}))
    assert [line.units for line in done.lines] == [1]


def test_homemaker_under_15_minutes_bills_no_unit_unless_the_profile_extends_the_minimum(
    tmp_path: Path,
) -> None:
    short = row("S5130", "U6", "2026-01-12", minutes="5")
    default = priced(tmp_path, short)
    assert default.lines == []
    assert [(i.rule_id, i.location.column) for i in default.report] == [("INPUT-UNITS", "minutes")]
    assert "one_unit_minimum" in default.report.errors[0].message
    extended = priced(
        tmp_path, short, prof=profile(policies={"one_unit_minimum": ["outreach", "CS"]})
    )
    assert [line.units for line in extended.lines] == [1]
    assert [i.rule_id for i in extended.report] == []


def test_an_empty_minimum_leaves_short_outreach_to_the_rounding(tmp_path: Path) -> None:
    none = profile(policies={"one_unit_minimum": [], "minute_rounding": "round-down"})
    assert [i.rule_id for i in priced(tmp_path, outreach("10"), prof=none).report] == [
        "INPUT-UNITS"
    ]
    ecm = profile(policies={"one_unit_minimum": ["ECM"], "minute_rounding": "round-down"})
    assert [line.units for line in priced(tmp_path, outreach("10"), prof=ecm).lines] == [1]
