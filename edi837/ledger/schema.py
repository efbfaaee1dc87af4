"""The ledger's tables. Versioned: a ledger written by a newer edi837 is refused, an older one
is migrated in place (in one transaction)."""

from __future__ import annotations

SCHEMA_VERSION = 4

SCHEMA_V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

-- control numbers and claim numbers: the last value handed out, never handed out again
CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);

CREATE TABLE batches (
    batch_id      INTEGER PRIMARY KEY,
    created_at    TEXT NOT NULL,               -- the build's clock (ISO 8601)
    as_of         TEXT NOT NULL,               -- the date the rules measured against
    records_file  TEXT NOT NULL,
    output_file   TEXT NOT NULL,
    file_sha256   TEXT NOT NULL,
    isa13         INTEGER NOT NULL UNIQUE,
    gs06          INTEGER NOT NULL UNIQUE,
    usage         TEXT NOT NULL,               -- T or P
    sender_id     TEXT NOT NULL,
    receiver_id   TEXT NOT NULL,
    claim_count   INTEGER NOT NULL,
    line_count    INTEGER NOT NULL,
    total_charge  TEXT NOT NULL,               -- Decimal as text: SQLite has no exact decimal
    overrides     TEXT NOT NULL DEFAULT '[]'   -- JSON: rule IDs the user allowed, with counts
);

CREATE TABLE transaction_sets (
    st02      INTEGER PRIMARY KEY,
    batch_id  INTEGER NOT NULL REFERENCES batches(batch_id)
);

CREATE TABLE claims (
    claim_id            TEXT PRIMARY KEY,      -- CLM01
    batch_id            INTEGER NOT NULL REFERENCES batches(batch_id),
    st02                INTEGER NOT NULL,
    member_id           TEXT NOT NULL,
    category            TEXT NOT NULL,
    service_month       TEXT NOT NULL,         -- YYYY-MM
    first_date          TEXT NOT NULL,
    frequency           TEXT NOT NULL,         -- 1 original, 7 replacement, 8 void
    original_claim_id   TEXT REFERENCES claims(claim_id),
    payer_claim_number  TEXT,                  -- REF*F8 as sent (7 and 8)
    total_charge        TEXT NOT NULL,
    status              TEXT NOT NULL DEFAULT 'submitted',  -- submitted, voided, replaced
    -- the rest of the claim as sent, so a void or correction can repeat it exactly
    place_of_service    TEXT NOT NULL,
    diagnoses           TEXT NOT NULL,         -- ICD-10 codes, space separated, in HI order
    tar_number          TEXT,                  -- claim-level REF*G1 (NULL: per line, or none)
    rendering           TEXT,                  -- claim-level 2310B: npi|last|first
    member_last_name    TEXT NOT NULL,
    member_first_name   TEXT NOT NULL,
    member_birth_date   TEXT NOT NULL,
    member_sex          TEXT NOT NULL,
    member_address      TEXT NOT NULL          -- line1|line2|city|state|zip
);

CREATE TABLE lines (
    line_id       TEXT PRIMARY KEY,            -- REF*6R
    claim_id      TEXT NOT NULL REFERENCES claims(claim_id),
    line_number   INTEGER NOT NULL,
    member_id     TEXT NOT NULL,
    procedure     TEXT NOT NULL,
    modifiers     TEXT NOT NULL,               -- fee schedule order, space separated
    service_date  TEXT NOT NULL,
    end_date      TEXT,
    units         TEXT NOT NULL,
    charge        TEXT NOT NULL,
    tar_number    TEXT,                        -- the TAR that covers it (its own or the claim's)
    active        INTEGER NOT NULL DEFAULT 1,  -- 0 once its claim is voided or replaced
    pointers      TEXT NOT NULL DEFAULT '',    -- diagnosis pointers, space separated
    line_place    TEXT,                        -- SV105 when it differs from the claim's
    line_tar      INTEGER NOT NULL DEFAULT 0,  -- 1: the TAR was sent on the line (REF*G1 in 2400)
    rendering     TEXT,                        -- 2420A when it differs: npi|last|first
    source_rows   TEXT NOT NULL DEFAULT '',
    record_ids    TEXT NOT NULL DEFAULT ''
);

-- the payer rules ask "this member, these codes, these dates": one index answers all of them
CREATE INDEX lines_history ON lines(member_id, procedure, service_date);
CREATE INDEX lines_claim ON lines(claim_id);
CREATE INDEX claims_member ON claims(member_id, service_month);
CREATE INDEX claims_batch ON claims(batch_id);
"""

# What came back: each 835 transaction set (a payment or notice) is recorded once, as events.
# A claim's state is computed from its events in order, so a reversal followed by a new payment
# shows the new state and keeps the history; nothing is overwritten.
SCHEMA_V2 = """
CREATE TABLE remittance_files (
    file_id      INTEGER PRIMARY KEY,
    sha256       TEXT NOT NULL UNIQUE,         -- the same file imported twice changes nothing
    name         TEXT NOT NULL,
    imported_at  TEXT NOT NULL
);

CREATE TABLE remittances (
    remittance_id    INTEGER PRIMARY KEY,
    file_id          INTEGER NOT NULL REFERENCES remittance_files(file_id),
    st02             TEXT NOT NULL,
    payer_key        TEXT NOT NULL,            -- TRN03, else the payer's N1 ID, else its name
    trace_number     TEXT NOT NULL,            -- TRN02 (check or EFT number)
    payer_name       TEXT NOT NULL,
    payee_name       TEXT NOT NULL,
    payment_amount   TEXT,                     -- BPR02, signed by BPR03
    payment_method   TEXT NOT NULL,
    payment_date     TEXT,                     -- BPR16
    production_date  TEXT,                     -- DTM*405
    event_date       TEXT NOT NULL,            -- orders events: payment, production or import date
    UNIQUE (payer_key, trace_number)
);

CREATE TABLE claim_events (
    event_id                INTEGER PRIMARY KEY,
    remittance_id           INTEGER NOT NULL REFERENCES remittances(remittance_id),
    seq                     INTEGER NOT NULL,  -- order within the remittance
    patient_control_number  TEXT NOT NULL,     -- CLP01
    claim_id                TEXT REFERENCES claims(claim_id),  -- NULL: matches no claim we sent
    status_code             TEXT NOT NULL,     -- CLP02
    charge                  TEXT,
    paid                    TEXT,
    patient_responsibility  TEXT,
    payer_claim_number      TEXT NOT NULL,     -- CLP07
    has_lines               INTEGER NOT NULL,  -- 0: adjudicated at claim level only
    adjustments             TEXT NOT NULL,     -- JSON [[group, reason, amount, quantity], ...]
    remarks                 TEXT NOT NULL      -- JSON [code, ...]
);

CREATE TABLE line_events (
    line_event_id        INTEGER PRIMARY KEY,
    claim_event_id       INTEGER NOT NULL REFERENCES claim_events(event_id),
    line_id              TEXT REFERENCES lines(line_id),  -- NULL: matches no line we sent
    matched_by           TEXT,                 -- '6R' (REF*6R) or 'code+date' (fallback)
    procedure            TEXT NOT NULL,        -- as billed (SVC06 when the payer changed it)
    modifiers            TEXT NOT NULL,
    service_date         TEXT,
    line_control_number  TEXT NOT NULL,
    charge               TEXT,
    paid                 TEXT,
    units                TEXT,
    adjustments          TEXT NOT NULL,
    remarks              TEXT NOT NULL
);

CREATE TABLE provider_adjustments (
    adjustment_id        INTEGER PRIMARY KEY,
    remittance_id        INTEGER NOT NULL REFERENCES remittances(remittance_id),
    provider_identifier  TEXT NOT NULL,
    fiscal_period_end    TEXT,
    reason               TEXT NOT NULL,
    reference            TEXT NOT NULL,
    amount               TEXT NOT NULL
);

CREATE INDEX claim_events_claim ON claim_events(claim_id, remittance_id, seq);
CREATE INDEX claim_events_pcn ON claim_events(patient_control_number);
CREATE INDEX line_events_line ON line_events(line_id);
CREATE INDEX line_events_claim_event ON line_events(claim_event_id);
"""


# The claim lifecycle (edi837/lifecycle): the payer's front-door answers recorded as events, the
# batch's write confirmed as an event, what a void or correction must repeat, and the cache of
# what counts as billed. Claim state is never stored: claims.status and lines.active go.
SCHEMA_V3 = """
ALTER TABLE batches ADD COLUMN kind TEXT NOT NULL DEFAULT 'build';  -- build, void, replace
ALTER TABLE batches ADD COLUMN records_sha256 TEXT;  -- SHA-256 of the records file built
ALTER TABLE batches ADD COLUMN parties TEXT;         -- JSON: envelope, submitter, receiver, billing
                                                     -- provider, payer, claim prefix, as sent

-- A batch is recorded (its numbers committed) before its file is renamed into place; the rename
-- is then confirmed here. A batch with no event is pending: the process stopped in between.
CREATE TABLE batch_events (
    batch_id  INTEGER NOT NULL REFERENCES batches(batch_id),
    event     TEXT NOT NULL,                   -- written, adopted, abandoned
    at        TEXT NOT NULL,
    PRIMARY KEY (batch_id)
);
INSERT INTO batch_events (batch_id, event, at) SELECT batch_id, 'written', created_at FROM batches;

ALTER TABLE lines ADD COLUMN test INTEGER NOT NULL DEFAULT 0;    -- sent with ISA15=T
UPDATE lines SET test = 1 WHERE claim_id IN
    (SELECT c.claim_id FROM claims c JOIN batches b ON b.batch_id = c.batch_id WHERE b.usage = 'T');
ALTER TABLE lines ADD COLUMN expected_unpaid TEXT;  -- why the rules predicted it unpaid (rule ID)
-- The lifecycle's answer for the history rules, rewritten only by edi837.ledger.events.refresh
-- in the transaction that records an event: a cache of edi837/lifecycle, never a source.
ALTER TABLE lines ADD COLUMN live INTEGER NOT NULL DEFAULT 1;    -- its claim counts as billed
ALTER TABLE lines ADD COLUMN denied INTEGER NOT NULL DEFAULT 0;  -- finally denied by the payer
UPDATE lines SET live = active;
ALTER TABLE lines DROP COLUMN active;
ALTER TABLE claims DROP COLUMN status;
CREATE INDEX claims_original ON claims(original_claim_id);

-- What the payer's front door said: TA1 (interchange), 999 (group, transaction set), 277CA
-- (claim, line). An answer that matches nothing we sent is kept with NULL keys.
CREATE TABLE ack_files (
    file_id      INTEGER PRIMARY KEY,
    sha256       TEXT NOT NULL UNIQUE,         -- the same file read twice changes nothing
    name         TEXT NOT NULL,
    imported_at  TEXT NOT NULL
);

CREATE TABLE ack_events (
    ack_event_id        INTEGER PRIMARY KEY,
    file_id             INTEGER NOT NULL REFERENCES ack_files(file_id),
    seq                 INTEGER NOT NULL,      -- order within the file
    source              TEXT NOT NULL,         -- TA1, 999, 277CA
    scope               TEXT NOT NULL,         -- interchange, group, transaction, claim, line
    batch_id            INTEGER REFERENCES batches(batch_id),  -- NULL: matches no batch of ours
    st02                INTEGER,               -- the transaction set a 999 AK2 answers
    claim_id            TEXT REFERENCES claims(claim_id),      -- a 277CA claim (TRN02 = CLM01)
    line_id             TEXT,                  -- a 277CA line (REF*FJ = REF*6R)
    outcome             TEXT NOT NULL,         -- accepted, accepted_with_errors, partial, rejected
    reference           TEXT NOT NULL,         -- what the answer names, as it names it
    payer_claim_number  TEXT NOT NULL DEFAULT '',  -- 277CA REF*1K
    codes               TEXT NOT NULL,         -- JSON [[code, words], ...]
    answered_on         TEXT,                  -- the acknowledgment's own date
    test                INTEGER NOT NULL DEFAULT 0   -- the acknowledgment came with ISA15=T
);
CREATE INDEX ack_events_batch ON ack_events(batch_id);
CREATE INDEX ack_events_claim ON ack_events(claim_id);

ALTER TABLE remittances ADD COLUMN issued_at TEXT;       -- the 835's own date and time (GS04 GS05)
ALTER TABLE remittances ADD COLUMN content_sha256 TEXT;  -- the payment's identity without a TRN
CREATE INDEX remittances_content ON remittances(content_sha256);
ALTER TABLE provider_adjustments ADD COLUMN claim_id TEXT REFERENCES claims(claim_id);
CREATE INDEX provider_adjustments_claim ON provider_adjustments(claim_id);
"""

# A claim's lines indexed in line-number order, so the claim reader (ledger/event_rows.py) reads
# them in the order the state machine takes them without SQLite sorting, and without relying on
# rowid order (which a VACUUM may renumber: lines has no INTEGER PRIMARY KEY).
SCHEMA_V4 = """
DROP INDEX lines_claim;
CREATE INDEX lines_claim ON lines(claim_id, line_number);
"""

MIGRATIONS: dict[int, str] = {1: SCHEMA_V1, 2: SCHEMA_V2, 3: SCHEMA_V3, 4: SCHEMA_V4}
