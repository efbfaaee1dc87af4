"""The payer's front-door answers read into :mod:`edi837.model.acks`: TA1 (:mod:`.ta1`), 999 and
997 (:mod:`.x999`), 277CA (:mod:`.x277ca`), streamed from any mix of them in one file
(:mod:`.reader`). What each code means, and the verdict it gives, is :mod:`.codes`."""

from edi837.ack.reader import AckReader, read_acks

__all__ = ["AckReader", "read_acks"]
