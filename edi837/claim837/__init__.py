"""The 837P transaction (005010X222A1): encoder (model -> segments) and reader (file -> model)."""

VERSION = "005010X222A1"
