"""What an acknowledgment's codes mean for what we sent: their words (from the code lists in
``segments/codes/``) and the verdict each one gives.

The verdicts, decided from each list's meaning (docs/ack.md shows the whole table):

- TA104, IK501 (AK501) and AK901: A accepted, E accepted with errors noted, P (AK901 only) partly
  accepted, R/M/W/X rejected (the three letters are rejections for security reasons).
- 277CA category codes (STC01-1): the claim got into the payer's system when it was forwarded,
  received, accepted, split, is pending, finalized, or the payer asks for more information
  (A0 A1 A2 A5, P*, F*, R*); it did not when it was returned as unprocessable, is not found,
  rejected for missing, invalid or inconsistent information, or no answer was possible
  (A3 A4 A6 A7 A8, E*, D0). An unknown category falls back on STC03 (WQ accept, U reject).

An unknown code is never an error: it keeps no words and is shown as sent.
"""

from __future__ import annotations

from edi837.codes import descriptions as codelists
from edi837.model.acks import Verdict

_ANSWER = {
    "A": Verdict.ACCEPTED,
    "E": Verdict.ACCEPTED_WITH_ERRORS,
    "P": Verdict.PARTIAL,
    "R": Verdict.REJECTED,
    "M": Verdict.REJECTED,
    "W": Verdict.REJECTED,
    "X": Verdict.REJECTED,
}
_INTERCHANGE = frozenset("AER")  # TA104's list
_SET = frozenset("AEMRWX")  # IK501's: a transaction set is not "partly" accepted

# 277CA categories by their meaning; the letter classes cover codes X12 adds later
_GOT_IN = frozenset({"A0", "A1", "A2", "A5"})
_KEPT_OUT = frozenset({"A3", "A4", "A6", "A7", "A8", "D0"})
_GOT_IN_CLASSES = ("P", "F", "R")
_KEPT_OUT_CLASSES = ("E",)
_ACTIONS = {"WQ": Verdict.ACCEPTED, "U": Verdict.REJECTED}


def words(table: str, code: str) -> str:
    """A code's description in ``segments/codes/<table>.csv``; ``""`` when we do not know it."""
    return (codelists.describe(table, code) if code else None) or ""


def interchange_verdict(code: str) -> Verdict | None:
    """TA104: None when it is not A, E or R."""
    return _ANSWER[code] if code in _INTERCHANGE else None


def set_verdict(code: str) -> Verdict | None:
    """IK501 or AK501: None outside its list."""
    return _ANSWER[code] if code in _SET else None


def group_verdict(code: str) -> Verdict | None:
    """AK901: None outside its list."""
    return _ANSWER.get(code)


def category_verdict(category: str) -> Verdict | None:
    """A 277CA claim status category (STC01-1): None when it tells neither way."""
    if category in _GOT_IN:
        return Verdict.ACCEPTED
    if category in _KEPT_OUT:
        return Verdict.REJECTED
    letter = category[:1]
    if letter in _GOT_IN_CLASSES:
        return Verdict.ACCEPTED
    if letter in _KEPT_OUT_CLASSES:
        return Verdict.REJECTED
    return None


def action_verdict(action: str) -> Verdict | None:
    """STC03: WQ accept, U reject."""
    return _ACTIONS.get(action)


def status_words(category: str, status: str, entity: str) -> str:
    """One STC composite in words: "rejected for invalid information: the entity's National
    Provider Identifier (NPI) (entity: the billing provider)". Parts we do not know are left
    out; nothing known gives ``""`` (the code is shown as sent)."""
    head = words(codelists.CLAIM_STATUS_CATEGORY, category)
    detail = words(codelists.CLAIM_STATUS, status)
    who = words(codelists.ENTITY, entity)
    text = ": ".join(part for part in (head, detail) if part)
    if who:
        text = f"{text} (entity: {who})" if text else f"entity: {who}"
    return text
