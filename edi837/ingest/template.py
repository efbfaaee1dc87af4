"""The templates ``edi837 init`` writes: the provider profile and (``--tars``) the TAR list.
Every value to fill in says REPLACE, and the loaders refuse a file that still holds one, so a
template is never billed by mistake. Every key the profile reads is in its template (a test)."""

PROFILE_TEMPLATE = """\
# edi837 provider profile. Fill in every value marked REPLACE; `edi837 build` refuses a profile
# that still holds one. Identifiers come from your enrollment with the payer and clearinghouse:
# edi837 does not invent them. Text is upper-cased on the claim.

[submitter]                      # 1000A: who sends the file
name = "REPLACE ORGANIZATION NAME"
id = "REPLACE-SUBMITTER-ID"       # the submitter ID the payer assigned (NM109)
contact_name = "BILLING OFFICE"
phone = "REPLACE-10-DIGITS"       # a phone or an email is required
email = ""

[receiver]                       # 1000B: who receives it
name = "PARTNERSHIP HEALTHPLAN OF CALIFORNIA"
id = "REPLACE-RECEIVER-ID"

[billing_provider]               # 2000A / 2010AA
name = "REPLACE ORGANIZATION NAME"
npi = "REPLACE-NPI"               # 10 digits with a valid check digit
ein = "REPLACE-EIN"               # 9 digits
taxonomy = "REPLACE-TAXONOMY"     # e.g. 251S00000X (community/behavioral health agency)
address1 = "REPLACE STREET ADDRESS"  # a street address, not a PO box
address2 = ""
city = "REPLACE CITY"
state = "CA"
zip = "REPLACE-ZIP9"              # ZIP+4, 9 digits

[payer]                          # 2010BB
name = "PARTNERSHIP HEALTHPLAN OF CALIFORNIA"
id = "REPLACE-PAYER-ID"

[interchange]                    # ISA / GS envelope
sender_qualifier = "ZZ"
sender_id = "REPLACE-SENDER-ID"   # ISA06, at most 15 characters
receiver_qualifier = "ZZ"
receiver_id = "REPLACE-RECEIVER-ID"  # ISA08
# gs_sender = ""                  # GS02 when it differs from ISA06
# gs_receiver = ""                # GS03 when it differs from ISA08
usage = "T"                       # T while in EDI enrollment testing, P in production
ack_requested = false             # ISA14
line_breaks = true                # a newline after each segment terminator

[claims]
place_of_service = "11"           # default when a record has none (11 office, 12 home, 99 other)
claim_id_prefix = "E"             # claim IDs are the prefix and 8 digits (CLM01 <= 20 characters)
max_lines_per_claim = 50
max_claims_per_transaction = 5000

# Address for members with none on file (people experiencing homelessness). Defaults to the
# billing provider's address when this table is left out.
# [fallback_address]
# address1 = ""
# city = ""
# state = "CA"
# zip = ""

[policies]
minute_rounding = "round-half-up"   # round-half-up (8+ minutes of a unit count), round-up, round-down
engagement_fee = "lifetime"         # lifetime (Partnership billing tips) or rolling-12-months (DHCS FAQ)
u8_before_enrollment = "warn"       # severity of ECM-U8-BEFORE-ENROLL: warn or error
u8_limit_counts = "attempts"        # ECM-U8-LIMIT's "5 times" in 30 days: attempts, days or units
one_unit_minimum = ["outreach"]     # under 15 minutes still bills 1 unit for: outreach, ECM, CS
deposit_cap = "per-tar"             # CS-DEPOSIT-CAP's $5,000: per-tar or per-member
recuperative_gap_days = 0           # CS-RECUP-90: days off care that do not end a run (0 = any does)
denied_lines_count = false          # true: lines the payer denied still count toward the limits

# How your records export writes dates. YYYY-MM-DD is always read; Excel's US dates (11/2/2026)
# need M/D/YYYY here (or --date-format): edi837 never guesses between month-first and day-first.
[records]
# date_format = "M/D/YYYY"          # YYYY-MM-DD, M/D/YYYY or D/M/YYYY

# Contract rates: override a default, or add a code your contract has. Keys are CODE or
# CODE-MODIFIERS; rates are strings so they stay exact.
[fee_schedule]
# "S5170-U6" = { rate = "15.00" }
# "90832" = { rate = "120.00", unit = "each", category = "OTHER", description = "Psychotherapy, 30 minutes" }
"""

# No commas in the comments: a spreadsheet that opens the list keeps each comment in one cell,
# and lines whose first cell starts with "#" are skipped however it saves them.
TARS_TEMPLATE = """\
# edi837 TAR list: the treatment authorization requests (TARs) the payer approved, one a row.
# Give it to `edi837 check` and `edi837 build` with --tars. Lines starting with # are comments.
# Replace the example row with your TARs: edi837 refuses a row that still holds REPLACE.
#
# tar_number      the TAR number on the approval (each claim line carries it as REF*G1)
# member_id       the member's Medi-Cal CIN (8 digits then a letter)
# start_date      the first day the TAR covers (YYYY-MM-DD; or the --date-format you use)
# end_date        the last day it covers
# approved_codes  the codes it approves separated by spaces: CODE or CODE-MODIFIER
#                 (G9008-U1 G9012 G9007); never U8 or GQ (outreach and the mode need no TAR)
tar_number,member_id,start_date,end_date,approved_codes
REPLACE-TAR-NUMBER,REPLACE-CIN,2026-01-01,2026-06-30,G9008-U1 G9012
"""
