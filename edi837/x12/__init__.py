"""The X12 syntax layer, and the one engine every transaction reader stands on.

- :mod:`.tokenizer` (segments from bytes), :mod:`.delimiters` (read from the ISA),
  :mod:`.envelope` (ISA/GS/ST envelopes, counts, a truncated file refused);
- :mod:`.spec` (the segment dictionary, and the pickers that read an element by reference
  designator), :mod:`.datatypes` (the one codec for R, N, DT, TM, ID, AN);
- :mod:`.declarations` (each transaction's loops and the segments in them, from ``segments/``),
  :mod:`.loops` (placing a segment in its loop), :mod:`.transactions` (the stream of placed
  segments per transaction set, its kind chosen from one table);
- :mod:`.serializer` (the writer's compiled templates), :mod:`.log` (a reader's located warnings).

Nothing here knows what a claim is. The transaction layer (edi837.claim837, edi837.remit835,
edi837.ack) stands on it; it imports nothing from them.
"""
