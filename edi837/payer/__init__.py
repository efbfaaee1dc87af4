"""The payer layer: fee schedules and payer rule packs, as data plus the code that reads it.

It stands on the transaction layer and tightens it, never loosens it. Partnership HealthPlan's
ECM / Community Supports knowledge lives here and nowhere else.
"""
