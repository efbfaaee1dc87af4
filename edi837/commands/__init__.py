"""One module per CLI command. Each is thin: parse options, call one service, render, exit code.

A module here exposes ``command`` (a click command) and is picked up by :func:`registered`, so
adding a command touches no shared file. Heavy imports (pyx12, lxml) go inside the functions to
keep ``edi837 --help`` fast.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator

import click


def registered() -> Iterator[click.Command]:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        yield module.command
