"""Partnership HealthPlan of California: the ECM and Community Supports rule pack.

Each rule carries its ID from ../shared/docs/billing-rules.md and the seed documents it comes
from (000 provider reference guide, 001 FAQ, 002 ECM reminders, 004 billing tips)."""

# The catalogue's order (../shared/docs/billing-rules.md), which docs/rules.md follows.
CATALOGUE_ORDER = (
    "ECM-CODE",
    "ECM-PMPM-SPAN",
    "ECM-PMPM-UNITS",
    "ECM-PMPM-MONTH",
    "CS-PMPM-MONTH",
    "ECM-ENROLL-U1U2",
    "ECM-U8-BEFORE-ENROLL",
    "ECM-U8-LIMIT",
    "ECM-U8-PER-DAY",
    "ECM-MIN-UNIT",
    "ECM-ENGAGE-ONCE",
    "ECM-MDT-CHARGE",
    "ECM-GQ-NOT-PRESENT",
    "TAR-REQUIRED",
    "TAR-MATCH",
    "TAR-SPAN",
    "TAR-CONTENTS",
    "CS-T204X-MONTH",
    "CS-MEALS-XOR-GROCERY",
    "CS-DAYHAB-DAY",
    "CS-MEALS-LIMIT",
    "CS-GROCERY-WEEKLY",
    "CS-SOBERING-DIEM",
    "CS-POSTHOSP-LIFETIME",
    "CS-RECUP-90",
    "CS-DEPOSIT-CAP",
    "CS-RATE",
    "FILING-365",
    "FILING-30",
    "COVERAGE-KAISER",
    "COVERAGE-DSNP",
    "BH-SEPARATE",
    "MEMBER-CIN",
)
