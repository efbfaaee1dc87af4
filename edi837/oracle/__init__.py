"""pyx12, our TR3 conformance oracle, wrapped in one place (see oracle/pyx12_validator.py)."""
