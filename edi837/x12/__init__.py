"""The X12 syntax layer: delimiters, tokenizer, serializer, data types, envelopes, loop assembly.

Nothing here knows what a claim is. The transaction layer (edi837.claim837, edi837.remit835)
stands on it; it imports nothing from them.
"""
