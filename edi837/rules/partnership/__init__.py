"""Partnership HealthPlan of California: the ECM and Community Supports rule pack.

Each rule carries its ID from ../shared/docs/billing-rules.md and the seed documents it comes
from (000 provider reference guide, 001 FAQ, 002 ECM reminders, 004 billing tips)."""
