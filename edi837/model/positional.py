"""Build a frozen attrs model positionally at the cost of plain slot stores: for hot readers.

An attrs frozen class's ``__init__`` sets each field through ``object.__setattr__`` (the class's
own ``__setattr__`` refuses), a method call per field: about 190 ns each in CPython 3.11, 4.7 us
for the 24 fields of a ``ClaimPayment``, a fifth of the 835 reader's decoding. :func:`positional`
returns a function that makes the same object with ordinary slot stores instead: it fills an
instance of a private subclass that adds nothing to the layout and allows setting, then makes the
object an instance of the model itself (``__class__`` assignment, which CPython allows exactly
because the layouts are the same). What comes out is indistinguishable from ``cls(*values)``:
same class, same fields, frozen from then on.

That is only the same as ``cls(*values)`` while the class's ``__init__`` does nothing but store
each argument in its field. So :func:`positional` checks what the class declares and returns the
class itself (its own ``__init__``) when anything else could happen: a validator, a converter, an
``on_setattr`` hook, a pre- or post-init hook, a field left out of ``__init__``, a hashed-value
cache, a ``__dict__``, slots other than the fields. A test holds the hot models to getting the
fast path, so a model that gains a validator stays correct and the test says it is slower.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import attrs

T = TypeVar("T")


def fast_path_refused(cls: type) -> str | None:
    """Why ``cls(*values)`` may do more than store the values in its fields; None if it cannot."""
    if not attrs.has(cls):
        return "not an attrs class"
    fields = attrs.fields(cls)
    for field in fields:
        if field.validator is not None or field.converter is not None:
            return f"{field.name} has a validator or converter"
        if field.on_setattr is not None or not field.init:
            return f"{field.name} has an on_setattr hook or is not in __init__"
    init = getattr(cls.__init__, "__code__", None)
    if init is None or "attrs generated" not in init.co_filename:
        return "its __init__ is not the one attrs generates"
    for hook in ("__attrs_pre_init__", "__attrs_post_init__"):
        if hasattr(cls, hook):
            return f"it has {hook}"
    slots = getattr(cls, "__slots__", None)
    names = tuple(field.name for field in fields)
    if (
        cls.__dictoffset__
        or slots is None
        or tuple(s for s in slots if s != "__weakref__") != names
    ):
        return "its slots are not exactly its fields"
    if any(attrs.has(base) for base in cls.__mro__[1:]):
        return "it inherits from another attrs class"
    return None


def positional(cls: type[T]) -> Callable[..., T]:
    """``build(*values)``, the same as ``cls(*values)`` with every field given in order (see the
    module docstring); ``cls`` itself when that cannot be proven."""
    if fast_path_refused(cls) is not None:
        return cls
    names = [field.name for field in attrs.fields(cast(Any, cls))]
    # A subclass with no slots of its own has the model's layout; object's own __setattr__ and
    # __delattr__ (both: they share one type slot) make its stores plain slot stores.
    filling = type(
        f"_Filling{cls.__name__}",
        (cls,),
        {"__slots__": (), "__setattr__": object.__setattr__, "__delattr__": object.__delattr__},
    )
    # Generated once: a call with the fields as parameters, one store each, as attrs generates
    # its __init__ (the names are the class's own field names, identifiers by attrs' rules).
    source = (
        f"def build({', '.join(names)}):\n"
        "    made = _new(_filling)\n"
        + "".join(f"    made.{name} = {name}\n" for name in names)
        + "    made.__class__ = _model\n"
        "    return made\n"
    )
    scope: dict[str, Any] = {"_new": object.__new__, "_filling": filling, "_model": cls}
    exec(compile(source, f"<positional {cls.__qualname__}>", "exec"), scope)
    build: Callable[..., T] = scope["build"]
    build.__qualname__ = build.__name__ = f"build_{cls.__name__}"
    return build
