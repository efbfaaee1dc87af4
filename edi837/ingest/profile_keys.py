"""Every table and key a provider profile may hold. Anything else is an error with "did you
mean": a misspelled key is never silently ignored (``useage = "P"`` would otherwise send a
test file, ``[fallback_adress]`` give homeless members the office address).

Adding a setting: add its key to its table here (a test checks that this table and the keys
:func:`edi837.ingest.profile.parse_profile` reads agree), then read it in ``parse_profile``.
"""

from __future__ import annotations

import re
from typing import Any

from edi837 import phi
from edi837.ingest.suggest import closest

# table -> its keys; None: the keys are the user's own (fee schedule codes)
TABLES: dict[str, tuple[str, ...] | None] = {
    "submitter": ("name", "id", "contact_name", "phone", "email"),
    "receiver": ("name", "id"),
    "billing_provider": (
        "name",
        "npi",
        "ein",
        "taxonomy",
        "address1",
        "address2",
        "city",
        "state",
        "zip",
    ),
    "payer": ("name", "id"),
    "interchange": (
        "sender_qualifier",
        "sender_id",
        "receiver_qualifier",
        "receiver_id",
        "gs_sender",
        "gs_receiver",
        "usage",
        "ack_requested",
        "line_breaks",
    ),
    "claims": (
        "place_of_service",
        "claim_id_prefix",
        "max_lines_per_claim",
        "max_claims_per_transaction",
    ),
    "fallback_address": ("address1", "address2", "city", "state", "zip"),
    "policies": (
        "minute_rounding",
        "engagement_fee",
        "u8_before_enrollment",
        "u8_limit_counts",
        "one_unit_minimum",
        "deposit_cap",
        "recuperative_gap_days",
        "denied_lines_count",
    ),
    "records": ("date_format",),
    "fee_schedule": None,
}
FEE_ENTRY_KEYS = ("rate", "unit", "category", "description")
_PLAIN_NAME = re.compile(r"[A-Za-z0-9_-]{1,60}")


def _named(name: str) -> str:
    """A key or table name as the user wrote it; quoted (and cut) when it is not a plain name."""
    return name if _PLAIN_NAME.fullmatch(name) else phi.quoted(name)


def _where(key: str) -> str | None:
    """``[table] key`` for a key that belongs in a table, when ``key`` (nearly) names one."""
    for table, keys in TABLES.items():
        if keys and key in keys:
            return f"[{table}] {key}"
    every = {k: t for t, keys in TABLES.items() if keys for k in keys}
    near = closest(key, every)
    return f"[{every[near]}] {near}" if near else None


def unknown_keys(data: dict[str, Any]) -> tuple[list[str], set[tuple[str, str]]]:
    """(a problem for each table or key the profile holds that edi837 does not read, the
    (table, key) pairs a misspelling most likely meant: their "is missing" would only repeat
    the same mistake). A table's own key is ``""``."""
    problems: list[str] = []
    meant: set[tuple[str, str]] = set()
    for name, body in data.items():
        if name in TABLES:
            keys = TABLES[name]
            if isinstance(body, dict):
                if keys is None:
                    problems.extend(_fee_entries(name, body))
                else:
                    problems.extend(_keys(name, keys, body, meant))
            continue
        if not isinstance(body, dict):
            home = _where(name)
            hint = f": did you mean {home}?" if home else ""
            problems.append(
                f"{_named(name)} is outside any table and is not a profile setting{hint}"
            )
            continue
        near = closest(name, TABLES)
        if near:
            meant.add((near, ""))
            problems.append(f"[{_named(name)}] is not a profile table: did you mean [{near}]?")
        else:
            problems.append(
                f"[{_named(name)}] is not a profile table (the tables are "
                f"{', '.join(f'[{t}]' for t in TABLES)})"
            )
    return problems, meant


def _keys(
    table: str, keys: tuple[str, ...], body: dict[str, Any], meant: set[tuple[str, str]]
) -> list[str]:
    problems = []
    for key in body:
        if key in keys:
            continue
        named = f"[{table}] {_named(key)} is not a setting of [{table}]"
        near = closest(key, keys)
        if near:
            meant.add((table, near))
            problems.append(f"{named}: did you mean {near}?")
            continue
        home = _where(key)
        if home and not home.startswith(f"[{table}]"):
            problems.append(f"{named}: did you mean {home}?")
        else:
            problems.append(f"{named} (its settings are {', '.join(keys)})")
    return problems


def _fee_entries(table: str, body: dict[str, Any]) -> list[str]:
    problems = []
    for code, entry in body.items():
        if not isinstance(entry, dict):
            continue  # the loader says what an entry must look like
        for key in entry:
            if key in FEE_ENTRY_KEYS:
                continue
            near = closest(key, FEE_ENTRY_KEYS)
            hint = f"did you mean {near}?" if near else f"an entry has {', '.join(FEE_ENTRY_KEYS)}"
            problems.append(
                f"[{table}] {phi.quoted(code)}: {_named(key)} is not a fee schedule setting: {hint}"
            )
    return problems
