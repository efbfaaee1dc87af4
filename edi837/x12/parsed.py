"""The segment declarations as parsed, kept between runs so a start does not parse TOML again.

Parsing ``segments/elements.toml`` and ``835.toml`` with tomllib (and importing tomllib) was
about 290 M of the 780 M instructions a small ``edi837 remit`` spends starting (issue 12). The
TOML stays the one declaration; this keeps only its parsed form, in the user's cache folder
(``$EDI837_CACHE_DIR``, else ``$XDG_CACHE_HOME/edi837``, else ``~/.cache/edi837``; an empty
``EDI837_CACHE_DIR`` turns the cache off), as marshal data together with the very bytes it was
parsed from. A cached form is used only when those bytes equal the file's bytes now, so an
edited declaration is parsed again; a missing, foreign or damaged cache file, or a folder that
cannot be written, only costs the parse.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import sys
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

FORMAT = 1  # of the cached tuple (FORMAT, source bytes, parsed data): raised with any change


def cache_dir() -> Path | None:
    """Where parsed declarations are kept, or None when the cache is off."""
    explicit = os.environ.get("EDI837_CACHE_DIR")
    if explicit is not None:
        return Path(explicit) if explicit else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "edi837"


def cache_file(folder: Path, name: str, source: bytes) -> Path:
    """The cache file of the declaration ``name`` with these bytes, for this Python (marshal's
    format is the interpreter's own)."""
    tag = sys.implementation.cache_tag or sys.implementation.name
    return folder / f"{name}.{zlib.crc32(source):08x}.{len(source)}.{tag}.marshal"


def parsed(name: str, source: bytes, parse: Callable[[bytes], Any]) -> Any:
    """``parse(source)``, from the cache when it holds the parse of exactly ``source``."""
    folder = cache_dir()
    if folder is None:
        return parse(source)
    path = cache_file(folder, name, source)
    with contextlib.suppress(OSError, ValueError, EOFError, TypeError):
        kept = marshal.loads(path.read_bytes())
        if type(kept) is tuple and len(kept) == 3 and kept[0] == FORMAT and kept[1] == source:
            return kept[2]
    data = parse(source)
    _keep(path, source, data)
    return data


def _keep(path: Path, source: bytes, data: Any) -> None:
    """Write the cache file whole under a temporary name and rename it into place; any failure
    (a read-only home, a value marshal cannot write) leaves no cache, and no error."""
    try:
        blob = marshal.dumps((FORMAT, source, data))
    except ValueError:
        return
    temp = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp.write_bytes(blob)
        os.replace(temp, path)
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink()
