"""edi837: service records to HIPAA 5010 837P claims, and 835 remittances back to a ledger."""

__version__ = "0.1.0"
