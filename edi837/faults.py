"""Fault injection for the crash tests: ``checkpoint(name)`` ends the process at once, as a
``kill -9`` would, when ``EDI837_FAULT`` names that checkpoint. The writing commands call it at
each step boundary (tests/test_crash_injection.py); in normal use it is one dictionary look-up.
"""

from __future__ import annotations

import os

_VARIABLE = "EDI837_FAULT"


def checkpoint(name: str) -> None:
    if os.environ.get(_VARIABLE) == name:
        os._exit(137)  # no cleanup, no flush: what a kill leaves behind
