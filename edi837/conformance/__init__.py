"""Our own SNIP 1-5 conformance engine, driven by the declarations in ``segments/``.

:func:`edi837.conformance.engine.validate` walks any 837P, 835, 999, 277CA or TA1 file once, with
flat memory, and reports every finding through one registry of rules (:mod:`.rules`), one
module per SNIP level: :mod:`.snip1` X12 syntax and envelopes, :mod:`.snip2` the implementation
guide, :mod:`.snip3` balancing, :mod:`.snip4` situational rules, :mod:`.snip5` external code
sets. :mod:`.ack999` writes the 999 the findings call for, :mod:`.preview277` a 277CA-style
preview. docs/validate.md lists the rules; docs/decisions/0009 says how and where the engine
follows pyx12, and where it differs on purpose.
"""

# The levels declare their rules when imported, in this order (docs list them so).
from edi837.conformance import snip1, snip2, snip3, snip4, snip5  # noqa: F401
