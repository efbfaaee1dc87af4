"""External code sets: those an 837P is checked against (ICD-10-CM by date of service, CMS place
of service codes), and the lists that say in words what a payer's codes mean (CARC, RARC, PLB
reasons, the 999's error codes: :mod:`.descriptions`). The data ships in the wheel (segments/codes/, with its source named in
docs/decisions/0004-code-sets-as-data.md) and loads on first use. Nothing here knows claims or
payers: the claim rules and the conformance engine ask these modules about one code at a time.
"""
