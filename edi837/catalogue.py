"""Every issue code edi837 can report, with its severity and what it means: one line each.

Payer rules (``ECM-...``, ``CS-...``, ``TAR-...``) are declared with their checks in
:mod:`edi837.rules` (``@rule``); everything else is declared here, once, and emitted by name:
``sink.add(catalogue.SE_COUNT, message, location)``. ``docs/issue-codes.md`` is generated from
this module and the rule registry (``make docs``; a test fails while it is stale), and a test
fails when the source emits an ID that is declared nowhere.

To add a code: one line in the right section below (see docs/extending.md). The text says what
the problem is and what to do; the message at the call site says where and with which values.
"""

from __future__ import annotations

import re

import attrs

from edi837.issues import Code, Severity

ERROR, WARN, INFO = Severity.ERROR, Severity.WARN, Severity.INFO

_CODES: dict[str, Code] = {}


@attrs.frozen(slots=True)
class Family:
    """IDs made of a stem and a code from an external list (pyx12's 999 codes, say)."""

    pattern: str  # as the docs show it: IG-<txn>-SEG<IK304>
    regex: re.Pattern[str]
    severity: Severity
    text: str
    section: str
    codes: str = ""  # the code list the variable part comes from (segments/codes/<name>.csv)

    def member(self, id: str) -> Code:
        """The code for one ID of the family (built from what an external tool reported)."""
        return Code(id, self.severity, self.text, self.section)


_FAMILIES: list[Family] = []


@attrs.frozen(slots=True)
class Section:
    """A heading of docs/issue-codes.md: the codes one part of edi837 reports."""

    title: str
    about: str

    def code(self, id: str, severity: Severity, text: str) -> Code:
        if id in _CODES:
            raise ValueError(f"issue code {id} is declared twice")
        declared = Code(id, severity, text, self.title)
        _CODES[id] = declared
        return declared

    def family(
        self, pattern: str, regex: str, severity: Severity, text: str, codes: str = ""
    ) -> Family:
        declared = Family(pattern, re.compile(regex), severity, text, self.title, codes)
        _FAMILIES.append(declared)
        return declared


def lookup(id: str) -> Code | Family | None:
    """The declaration of an ID (a payer rule's is in :mod:`edi837.rules.registry`)."""
    found = _CODES.get(id)
    if found is not None:
        return found
    return next((f for f in _FAMILIES if f.regex.fullmatch(id)), None)


def codes() -> list[Code]:
    return list(_CODES.values())


def families() -> list[Family]:
    return list(_FAMILIES)


_LATER: list[Section] = []  # sections declared by other modules (the conformance levels)


def section(title: str, about: str) -> Section:
    """A section declared outside this module, listed after the ones here: the conformance
    engine declares one per SNIP level (edi837/conformance/rules.py), next to its checks."""
    if any(s.title == title for s in (*SECTIONS, *_LATER)):
        raise ValueError(f"issue code section {title!r} is declared twice")
    declared = Section(title, about)
    _LATER.append(declared)
    return declared


def sections() -> list[Section]:
    return [*SECTIONS, *_LATER]


# The declarations: one line each, kept unwrapped so that they read as a table.
# fmt: off

# -- X12 syntax: the tokenizer and the envelopes ---------------------------------------------------
SYNTAX = Section(
    "X12 syntax",
    "Found while reading any X12 file (segments, delimiters, envelopes). The content is still "
    "read; a file that ends inside an envelope is refused instead (exit 2).",
)
ENCODING = SYNTAX.code("X12-ENCODING", WARN, "bytes that are not valid in the file's encoding were replaced by U+FFFD; ask the sender for a clean file")
ISA_WIDTH = SYNTAX.code("X12-ISA-WIDTH", WARN, "the ISA is not fixed width (106 characters); its delimiters were read from its 16 elements")
SEGMENT_ID = SYNTAX.code("X12-SEGMENT-ID", WARN, "text between terminators that is not a segment (stray template lines); skipped")
PADDING = SYNTAX.code("X12-PADDING", WARN, "NUL bytes after the last segment (block padding by a transfer tool); ignored")
TERMINATOR = SYNTAX.code("X12-TERMINATOR", WARN, "the last segment has no segment terminator")
IEA_MISSING = SYNTAX.code("X12-IEA-MISSING", WARN, "an interchange is not closed by its IEA before the next ISA")
ISA_MISSING = SYNTAX.code("X12-ISA-MISSING", WARN, "a functional group (GS) outside any interchange")
GE_MISSING = SYNTAX.code("X12-GE-MISSING", WARN, "a functional group is not closed by its GE")
GS_MISSING = SYNTAX.code("X12-GS-MISSING", WARN, "a transaction set (ST) outside any functional group")
SE_MISSING = SYNTAX.code("X12-SE-MISSING", WARN, "a transaction set is not closed by its SE before the next ST")
OUTSIDE = SYNTAX.code("X12-OUTSIDE", WARN, "a segment outside any transaction set (ST ... SE)")
SE_COUNT = SYNTAX.code("X12-SE-COUNT", WARN, "SE01 differs from the number of segments in the transaction set")
GE_COUNT = SYNTAX.code("X12-GE-COUNT", WARN, "GE01 differs from the number of transaction sets in the group")
IEA_COUNT = SYNTAX.code("X12-IEA-COUNT", WARN, "IEA01 differs from the number of functional groups in the interchange")
SE_CONTROL = SYNTAX.code("X12-SE-CONTROL", WARN, "SE02 does not match the transaction set's ST02")
GE_CONTROL = SYNTAX.code("X12-GE-CONTROL", WARN, "GE02 does not match the group's GS06")
IEA_CONTROL = SYNTAX.code("X12-IEA-CONTROL", WARN, "IEA02 does not match the interchange's ISA13")

# -- the 837P: reading one back, writing one ---------------------------------------------------------
CLAIMS = Section(
    "837P",
    "Found while writing an 837P (`build`, `void`), or reading one back (round trips, other "
    "senders' files).",
)
ELEMENT_837 = CLAIMS.code("IG-837P-ELEMENT", ERROR, "a value does not fit its element (too long, too short): no file is written; correct the record or the profile")
POINTERS = CLAIMS.code("IG-837P-POINTERS", WARN, "a line has more diagnoses than the 4 pointers SV107 can carry; the first four are pointed to")
NOT_837 = CLAIMS.code("IG-837P-NOT-837", WARN, "a transaction set that is not an 837; skipped")
VERSION_837 = CLAIMS.code("IG-837P-VERSION", WARN, "an 837 of another implementation guide (not 005010X222); read as an 837P")
SEGMENT_837 = CLAIMS.code("IG-837P-SEGMENT", WARN, "a segment the 837P declaration does not expect where it is")
BILLING = CLAIMS.code("IG-837P-BILLING", WARN, "a second billing provider (2000A) in one interchange; edi837 keeps the first")
PATIENT = CLAIMS.code("IG-837P-PATIENT", WARN, "a patient loop (2000C): edi837 bills the subscriber as the patient")
DATE_837 = CLAIMS.code("IG-837P-DATE", WARN, "a date element is not a date (CCYYMMDD); read as missing")
AMOUNT_837 = CLAIMS.code("IG-837P-AMOUNT", WARN, "an amount or quantity is not a decimal number (R); read as zero")
CLAIM_TOTAL = CLAIMS.code("IG-837P-CLAIM-TOTAL", WARN, "CLM02 differs from the sum of the claim's line charges (SV102)")

# -- the 835 ------------------------------------------------------------------------------------------
REMIT = Section(
    "835",
    "Found while reading a remittance (`remit`, `reconcile`). The remittance is read on; more "
    "than 1,000 of one code in a transaction are counted, not listed.",
)
BALANCE_LINE = REMIT.code("IG-835-BALANCE-LINE", WARN, "SVC02 charge - SVC03 paid differs from the sum of the line's CAS amounts")
BALANCE_CLAIM = REMIT.code("IG-835-BALANCE-CLAIM", WARN, "CLP03 charge - CLP04 paid differs from the sum of the claim's and its lines' CAS amounts")
BALANCE_TRANSACTION = REMIT.code("IG-835-BALANCE-TRANSACTION", WARN, "BPR02 differs from the sum of CLP04 less the sum of PLB amounts (BPR03 D counts negative)")
AMOUNT_835 = REMIT.code("IG-835-AMOUNT", WARN, "an amount is not a decimal number; it is read as missing")
DATE_835 = REMIT.code("IG-835-DATE", WARN, "a date is not CCYYMMDD; it is read as missing")
MISSING_835 = REMIT.code("IG-835-MISSING", WARN, "a required element is empty (CLP01, CLP03, CLP04, SVC01-03, a CAS or PLB amount, LQ02, BPR)")
CODE_835 = REMIT.code("IG-835-CODE", WARN, "CLP02, CAS01 or BPR04 holds a code outside its list; it is kept as sent")
SEGMENT_835 = REMIT.code("IG-835-SEGMENT", WARN, "a segment that does not belong where it is (or an SVC without a CLP); skipped")
LX_MISSING = REMIT.code("IG-835-LX-MISSING", WARN, "claims start without an LX header number; read as one group")
PARTY = REMIT.code("IG-835-PARTY", WARN, "the payer or payee loop is missing, or given twice")
NOT_835 = REMIT.code("IG-835-TRANSACTION", WARN, "a transaction set that is not an 835 (a 277, say); skipped")

# -- the payer's acknowledgments: TA1, 999 (and 997), 277CA ----------------------------------------
ACKS = Section(
    "Acknowledgments",
    "Found while reading the payer's answers (`edi837 ack`). The answers are read as far as they "
    "go and recorded; a file that cannot be read at all is refused (exit 2) and nothing is "
    "recorded. More than 1,000 of one code in a file are counted, not listed.",
)
ACK_TRANSACTION = ACKS.code("ACK-TRANSACTION", WARN, "a transaction set that is not an acknowledgment (an 837, an 835, a 277 that is not a 277CA); skipped: read it with the command that reads it")
ACK_SEGMENT = ACKS.code("ACK-SEGMENT", WARN, "a segment that does not belong where it is in the acknowledgment; skipped")
ACK_VERSION = ACKS.code("ACK-VERSION", WARN, "a 999 of another implementation guide than 005010X231 (A1); read as one")
ACK_CODE = ACKS.code("ACK-CODE", WARN, "TA104, IK501 (AK501) or AK901 is missing or outside its list; read as the group's answer where that is known, else as a rejection: ask the payer what it meant")
ACK_MISSING = ACKS.code("ACK-999-MISSING", WARN, "a 999 (or 997) without its AK1 or AK9, or a set answer (AK2) without its IK5: the answer is taken from what is there")
ACK_STATUS = ACKS.code("ACK-277CA-STATUS", WARN, "a 277CA claim or level whose status cannot be read (no STC, an unknown category and no STC03 action); read as rejected: ask the payer for the claim's status")
ACK_ACTION = ACKS.code("ACK-277CA-ACTION", WARN, "STC03 (WQ accept, U reject) contradicts the status category; the category decides")
ACK_CLAIM_ID = ACKS.code("ACK-277CA-CLAIM-ID", WARN, "a 277CA claim (2200D) without TRN02, the CLM01 we sent: it is kept as an unmatched answer")
ACK_DATE = ACKS.code("ACK-DATE", WARN, "a date (TA102, GS04, STC02, DTP03) is not a date; read as missing")
ACK_NUMBER = ACKS.code("ACK-NUMBER", WARN, "an amount or count (STC04, SVC02, QTY02, AMT02, AK902..AK904) is not a number; read as missing")

# -- pyx12, the conformance oracle (validate) ------------------------------------------------------
ORACLE = Section(
    "Validation (pyx12)",
    "Found by `edi837 validate`, which runs pyx12's full TR3 validation. `<txn>` is 837P, 835, "
    "999, 277 or the transaction set ID; the code after it is the one the 999 would carry.",
)
VALIDATOR = ORACLE.code("IG-VALIDATOR", ERROR, "pyx12 could not validate the file at all (not X12, or pyx12 failed)")
ISA_ERROR = ORACLE.family("X12-ISA-<TA105>", r"X12-ISA-\d{3}", ERROR, "an interchange envelope error; the code is a TA1 note code (TA105)")
GS_ERROR = ORACLE.family("X12-GS-<AK905>", r"X12-GS-\d+", ERROR, "a functional group error; the code is a 999 AK905 code")
ST_ERROR = ORACLE.family("IG-<txn>-ST<IK502>", r"IG-[0-9A-Z]+-ST\d+", ERROR, "a transaction set error; the code is a 999 IK502 code")
SEGMENT_ERROR = ORACLE.family("IG-<txn>-SEG<IK304>", r"IG-[0-9A-Z]+-SEG(\d+|I\d+)", ERROR, "a segment error; the code is a 999 IK304 code", codes="ik304")
ELEMENT_ERROR = ORACLE.family("IG-<txn>-ELE<IK403>", r"IG-[0-9A-Z]+-ELE(\d+|I\d+)", ERROR, "an element error; the code is a 999 IK403 code", codes="ik403")

# -- the records (check, build): reported by edi837.ingest and edi837.payer --------------------------
RECORDS = Section(
    "Records",
    "Found in the service records file (docs/input-format.md). Errors block `build`; they "
    "cannot be allowed.",
)
INPUT_REQUIRED = RECORDS.code("INPUT-REQUIRED", ERROR, "a required field is blank")
INPUT_DATE = RECORDS.code("INPUT-DATE", ERROR, "not a date in the file's format (or an impossible one, or an end before the start)")
INPUT_DATE_FORMAT = RECORDS.code("INPUT-DATE-FORMAT", ERROR, "once per file: its dates are M/D/YYYY or D/M/YYYY and no --date-format says which")
INPUT_NUMBER = RECORDS.code("INPUT-NUMBER", ERROR, "minutes, units or charge not a number, negative, zero, fractional where whole, or too large")
INPUT_CODE = RECORDS.code("INPUT-CODE", ERROR, "a HCPCS code or modifier that is not shaped like one, more than 4 modifiers, or one repeated")
INPUT_DIAGNOSIS = RECORDS.code("INPUT-DIAGNOSIS", ERROR, "not an ICD-10 code, or more than 4 on one record")
INPUT_SEX = RECORDS.code("INPUT-SEX", ERROR, "member_sex is not F, M or U")
INPUT_FLAG = RECORDS.code("INPUT-FLAG", ERROR, "member_present is not Y or N")
INPUT_POS = RECORDS.code("INPUT-POS", ERROR, "place_of_service is not a two-digit code")
INPUT_NPI = RECORDS.code("INPUT-NPI", ERROR, "an NPI that is not 10 digits with a valid check digit")
INPUT_TAR = RECORDS.code("INPUT-TAR", ERROR, "a TAR number with characters other than letters, digits and '-', or longer than 50")
INPUT_ADDRESS = RECORDS.code("INPUT-ADDRESS", ERROR, "a member address that is incomplete, or a state or ZIP code that is not one")
INPUT_TEXT = RECORDS.code("INPUT-TEXT", ERROR, "a name or record_id too long, or a name with nothing an 837P can carry")
INPUT_MEMBER_ID = RECORDS.code("INPUT-MEMBER-ID", ERROR, "a member ID with characters other than letters and digits, or longer than 80")
INPUT_MEMBER = RECORDS.code("INPUT-MEMBER", ERROR, "the same member_id with another identity")
INPUT_RECORD_ID = RECORDS.code("INPUT-RECORD-ID", ERROR, "a record_id used twice")
INPUT_ROW = RECORDS.code("INPUT-ROW", ERROR, "a row with more cells than the header has columns (or a JSON record that is not a flat object)")
INPUT_QUOTE = RECORDS.code("INPUT-QUOTE", ERROR, "a quote opened in this cell and not closed on its line: the lines it swallowed are not read")
INPUT_UNITS = RECORDS.code("INPUT-UNITS", ERROR, "a 15-minute code with neither minutes nor units")
INPUT_CHARGE = RECORDS.code("INPUT-CHARGE", ERROR, "no charge and no rate to compute it from, or rate x units too large for an 837P line")
INPUT_END_DATE = RECORDS.code("INPUT-END-DATE", WARN, "an end date on a code that is not per diem: ignored")
INPUT_COLUMN = RECORDS.code("INPUT-COLUMN", WARN, "an unknown column, ignored (one that looks like a missing column stops the file instead)")
INPUT_SHEET = RECORDS.code("INPUT-SHEET", WARN, "a workbook with more than one sheet: only the first was read")
INPUT_TAR_FILE = RECORDS.code("INPUT-TAR-FILE", ERROR, "a TAR list row with a required field blank or malformed")

# -- the build and the ledger ---------------------------------------------------------------------------
LEDGER = Section(
    "Build and ledger",
    "Reported by `build` and `reconcile` about what was billed and what came back.",
)
ALLOWED = LEDGER.code("ALLOWED", INFO, "payer-rule errors let through with --allow (recorded in the ledger)")
RECONCILE_LINE = LEDGER.code("RECONCILE-LINE", WARN, "a service line of a remittance matches no line we sent")
LEDGER_PENDING = LEDGER.code("LEDGER-PENDING", INFO, "a batch an interrupted run left pending was settled: adopted when its file is complete, abandoned otherwise (its numbers are never reused)")

# fmt: on

SECTIONS = (SYNTAX, CLAIMS, REMIT, ACKS, ORACLE, RECORDS, LEDGER)
