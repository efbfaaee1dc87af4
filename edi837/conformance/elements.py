"""The element pass: each element of a placed segment against its declaration there.

SNIP 1 (data type, length, characters, the X12 syntax notes) and SNIP 2 (usage in this place,
the codes allowed here, the TR3's patterns) in one pass, in the order and with the exceptions
pyx12 has, so that the findings are the same:

- an empty element is only ever "required" (or nothing); a Not Used element with a value is
  only that; a control character stops the element's other checks;
- AN and ID values may end in spaces only when they would be too short without them (the ISA's
  padded fields);
- DTP03 is a date of the format DTP02 names (D8, RD8...); an element of data element 1251 after
  one of 1250 is a date of the formats that one allows (DMG02 after DMG01 "D8");
- the first component of an optional composite may be empty when the composite is present.

Each declared segment use is compiled once (:class:`SegmentChecker`). Segments repeat a great
deal in a batch (the same provider, the same service line): a segment whose exact text was
checked clean in the same place before is not checked again (a bounded cache, so memory stays
flat).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

from edi837 import phi
from edi837.codes import descriptions
from edi837.conformance import fastpath, snip1, snip2
from edi837.conformance.member_data import holds_member_data
from edi837.conformance.rules import Rule
from edi837.conformance.tree import SegNode
from edi837.x12.declarations import SegmentUse, SyntaxNote
from edi837.x12.spec import ElementSpec, dictionary

Emit = Callable[[Rule, str, str, str], None]  # (rule, message, refdes, data element number)
Delimiters = tuple[str, str, str]  # element separator, component separator, segment terminator

_BAD_CHARACTER = re.compile(r"""[^A-Z0-9!"&'()*+,\-./:;?= a-z%~@\[\]_{}\\|<>^`#$]""", re.ASCII)
_NUMBER = re.compile(r"-?[0-9]+", re.ASCII)
_DECIMAL = re.compile(r"-?[0-9]*(\.[0-9]+)?", re.ASCII)
_CONTROL = {
    "\x07": "BEL", "\x09": "HT", "\x0a": "LF", "\x0b": "VT", "\x0c": "FF", "\x0d": "CR",
    "\x1c": "FS", "\x1d": "GS", "\x1e": "RS", "\x1f": "US", "\x01": "SOH", "\x02": "STX",
    "\x03": "ETX", "\x04": "EOT", "\x05": "ENQ", "\x06": "ACK", "\x11": "DC1", "\x12": "DC2",
    "\x13": "DC3", "\x14": "DC4", "\x15": "NAK", "\x16": "SYN", "\x17": "ETB",
}  # fmt: skip
_DATE_TYPES = ("RD8", "DT", "D8", "D6")
_DTP_FORMATS = ("RD8", "D8", "D6", "DT", "TM")
# the characters a value the fast-path expression accepts may hold besides the character set
_VALUE_CHARACTERS = frozenset("-. 0123456789")
CACHE_LIMIT = 4096  # clean segment texts remembered per segment use (a bounded memory)


def valid_date(kind: str, text: str) -> bool:
    """pyx12's is_valid_date: CCYYMMDD, YYMMDD (century 19 from 50) or CCYYMMDDHHMM, from 1800."""
    if (kind == "D8" and len(text) != 8) or (kind == "D6" and len(text) != 6):
        return False
    if not text.isascii() or not text.isdigit() or len(text) not in (6, 8, 12):
        return False
    if len(text) == 6:
        text = ("20" if int(text[:2]) < 50 else "19") + text
    year, month, day = int(text[:4]), int(text[4:6]), int(text[6:8])
    if year < 1800 or not 1 <= month <= 12:
        return False
    if month in (4, 6, 9, 11):
        last = 30
    elif month == 2:
        last = 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    else:
        last = 31
    if not 1 <= day <= last:
        return False
    return len(text) != 12 or valid_time(text[8:12])


def valid_time(text: str) -> bool:
    """pyx12's is_valid_time: HHMM, HHMMSS, HHMMSSD or HHMMSSDD."""
    if not text.isascii() or not text.isdigit():
        return False
    if text[0:2] > "23" or text[2:4] > "59":
        return False
    return len(text) == 4 or (6 <= len(text) <= 8 and text[4:6] <= "59")


def of_type(text: str, kind: str) -> bool:
    """pyx12's IsValidDataType for the types the declarations use."""
    if kind.startswith("N"):
        return _NUMBER.fullmatch(text) is not None
    if kind == "R":
        return _DECIMAL.fullmatch(text) is not None
    if kind in ("ID", "AN"):
        return _BAD_CHARACTER.search(text) is None
    if kind == "RD8":
        parts = text.split("-")
        return len(parts) == 2 and all(valid_date("D8", part) for part in parts)
    if kind in ("DT", "D8", "D6"):
        return valid_date(kind, text)
    if kind == "TM":
        return valid_time(text)
    return kind == "B"


def _control(text: str) -> str | None:
    for char, name in _CONTROL.items():
        if char in text:
            return name
    return None


class Element:
    """One element or component as declared in one segment use."""

    __slots__ = (
        "codes",
        "components",
        "data_element",
        "external",
        "high",
        "in_composite",
        "low",
        "name",
        "parent_usage",
        "pattern",
        "ref",
        "seq",
        "type",
        "usage",
    )

    def __init__(
        self,
        spec: ElementSpec,
        use: SegmentUse,
        seq: int,
        *,
        in_composite: bool = False,
        parent_usage: str = "R",
    ) -> None:
        found = use.element(spec.ref)
        self.ref = spec.ref
        self.name = spec.name
        self.type = spec.type
        self.low, self.high = spec.min, spec.max
        self.data_element = spec.ele
        self.seq = seq
        self.in_composite = in_composite
        self.parent_usage = parent_usage
        self.usage = found.usage if found is not None else "S"
        self.codes = found.codes if found is not None else frozenset()
        self.external = (
            descriptions.external(found.codes_from) if found and found.codes_from else None
        )
        self.pattern = re.compile(found.pattern, re.S) if found and found.pattern else None
        self.components: tuple[Element, ...] = tuple(
            Element(c, use, n, in_composite=True, parent_usage=self.usage)
            for n, c in enumerate(spec.components, 1)
        )


# an expression for one interchange's delimiters, and the syntax notes a match leaves open
_Fast = tuple[re.Pattern[str] | None, tuple[tuple[SyntaxNote, tuple[int, ...]], ...]]


class SegmentChecker:
    """The element pass for one segment use (see the module docstring)."""

    def __init__(self, node: SegNode) -> None:
        use = node.use
        spec = dictionary().get(use.id)
        declared = [e for e in use.elements if "-" not in e.ref]
        elements = spec.elements[: len(declared)] if spec is not None else ()
        self.seg_id = use.id
        self.loop_id = node.loop.rpartition("/")[2]
        self.children = tuple(Element(e, use, n) for n, e in enumerate(elements, 1))
        self.syntax: tuple[SyntaxNote, ...] = use.syntax
        positions = spec.positions if spec is not None else {}
        self.notes = tuple(
            (note, tuple(positions.get(ref, 99) for ref in note.refs)) for note in use.syntax
        )
        self.clean: set[str] = set()  # texts checked clean, in the delimiters below
        self.delimiters: Delimiters | None = None
        self.fast: re.Pattern[str] | None = None
        self.open_notes: tuple[tuple[SyntaxNote, tuple[int, ...]], ...] = ()  # see _open
        self._fast: dict[Delimiters, _Fast] = {}

    def check(
        self, text: str, elements: list[str], delimiters: Delimiters | None, emit: Emit
    ) -> None:
        """Check a segment (``text`` as read, ``elements`` split from it) read with these
        delimiters (element, component, terminator; None for the ISA, never split further)."""
        if delimiters != self.delimiters:  # a text reads otherwise with other delimiters
            self.clean.clear()
            self.delimiters = delimiters
            self.fast, self.open_notes = self._expression(delimiters)
        if text in self.clean:
            return
        component = delimiters[1] if delimiters is not None else None
        fast = self.fast
        if (
            fast is not None
            and component is not None
            and fast.fullmatch(text) is not None
            and (not self.open_notes or self._notes_hold(elements, component))
        ):
            self._remember(text)
            return
        found = _Found(self, elements, emit)
        self._check(elements, component, found)
        if not found.any:
            self._remember(text)

    def _remember(self, text: str) -> None:
        if len(self.clean) >= CACHE_LIMIT:
            self.clean.clear()
        self.clean.add(text)

    def _expression(self, delimiters: Delimiters | None) -> _Fast:
        if delimiters is None:
            return None, ()
        found = self._fast.get(delimiters)
        if found is None:
            fast = fastpath.expression(
                self.seg_id, self.children, *delimiters, dtp=self.seg_id == "DTP"
            )
            notes = self._open(delimiters) if fast is not None else ()
            found = self._fast[delimiters] = (fast, notes)
        return found

    def _open(self, delimiters: Delimiters) -> tuple[tuple[SyntaxNote, tuple[int, ...]], ...]:
        """The syntax notes a segment the expression matches may still break. The expression
        fills every Required element and leaves every Not Used one (and any past the last
        declared) empty, so a note that holds whatever the Situational ones hold is settled by
        the match. Unless a separator is a character a value may hold (a digit, ``-``, ``.``,
        a space): then an element's place cannot be told from the match, and every note stays."""
        if delimiters[0] in _VALUE_CHARACTERS or delimiters[1] in _VALUE_CHARACTERS:
            return self.notes
        children = self.children
        kept = []
        for note, indexes in self.notes:
            settled = []  # (ref, present) of the elements the match fills or leaves empty
            open_refs = []
            for ref, index in zip(note.refs, indexes, strict=True):
                usage = children[index - 1].usage if 1 <= index <= len(children) else "N"
                if usage in ("R", "N"):
                    settled.append((ref, usage == "R"))
                else:
                    open_refs.append(ref)
            given = [ref for ref, present in settled if present]
            if not all(
                note.holds(given + [ref for ref, on in zip(open_refs, bits, strict=True) if on])
                for bits in itertools.product((False, True), repeat=len(open_refs))
            ):
                kept.append((note, indexes))
        return tuple(kept)

    def _notes_hold(self, elements: list[str], component: str) -> bool:
        for note, indexes in self.open_notes:
            present = []
            for ref, index in zip(note.refs, indexes, strict=True):
                raw = elements[index] if index < len(elements) else ""
                if raw and raw.replace(component, ""):
                    present.append(ref)
            if not note.holds(present):
                return False
        return True

    def _check(self, elements: list[str], component: str | None, found: _Found) -> None:
        children = self.children
        count = len(children)
        given = len(elements) - 1
        if given > count:
            found(
                snip1.TOO_MANY_ELEMENTS,
                f"{self.seg_id} has {given} elements; it has only {count}: remove the extra ones",
                f"{self.seg_id}{count + 1:02d}",
                "",
            )
        type_list: list[str] = []
        dtp_format: list[str] = []
        for index in range(min(given, count)):
            child = children[index]
            raw = elements[index + 1]
            if child.components:
                parts = raw.split(component) if component is not None else [raw]
                if len(parts) > len(child.components) and child.usage != "N":
                    found(
                        snip1.TOO_MANY_COMPONENTS,
                        f"{child.ref} ({child.name}) has {len(parts)} components; it has only "
                        f"{len(child.components)}",
                        child.ref,
                        child.data_element,
                    )
                    parts = parts[: len(child.components)]
                self._composite(child, parts, found)
                continue
            if index == 1 and self.seg_id == "DTP":
                named = _formatted(raw, component)
                if named in _DTP_FORMATS:
                    dtp_format = [named]
            if child.data_element == "1250":
                type_list.extend(sorted(child.codes))
            if index == 2 and self.seg_id == "DTP":
                self._element(child, raw, dtp_format, component, found)
            elif child.data_element == "1251" and type_list:
                self._element(child, raw, type_list, component, found)
            else:
                self._element(child, raw, None, component, found)
        for index in range(min(given, count), count):
            child = children[index]
            if child.components:
                self._composite(child, None, found)
            else:
                self._element(child, None, None, component, found)
        for note in self.syntax:
            present = [_present(elements, ref, component) for ref in note.refs]
            if not note.holds(
                [ref for ref, there in zip(note.refs, present, strict=True) if there]
            ):
                found(snip1.SYNTAX_RULES[note.kind], _syntax_message(note), note.refs[0], "")

    def _composite(self, child: Element, parts: list[str] | None, found: _Found) -> None:
        empty = parts is None or all(part == "" for part in parts)
        if empty:
            if child.usage == "R":
                found(
                    snip2.COMPOSITE_REQUIRED,
                    f"{child.ref} ({child.name}) is required here: fill it in",
                    child.ref,
                    child.data_element,
                )
            return
        assert parts is not None
        if child.usage == "N":
            found(
                snip2.COMPOSITE_NOT_USED,
                f"{child.ref} ({child.name}) is not used here: leave it empty",
                child.ref,
                child.data_element,
            )
            return
        components = child.components
        for index, component in enumerate(components):
            self._element(
                component, parts[index] if index < len(parts) else None, None, None, found
            )

    def _element(
        self,
        child: Element,
        raw: str | None,
        type_list: list[str] | None,
        component: str | None,
        found: _Found,
    ) -> None:
        ref, name = child.ref, child.name
        if raw is not None and component is not None and component in raw:
            found(
                snip1.CHARACTER,
                f"{ref} ({name}) is not a composite, but {found.quote(ref, raw)} holds the "
                f"component separator {component!r}",
                ref,
                child.data_element,
            )
            return
        if not raw:
            if child.usage == "R" and (
                child.seq != 1 or not child.in_composite or child.parent_usage == "R"
            ):
                found(
                    snip2.ELE_REQUIRED,
                    f"{ref} ({name}) is required here: fill it in",
                    ref,
                    child.data_element,
                )
            return
        if child.usage == "N":
            found(
                snip2.ELE_NOT_USED,
                f"{ref} ({name}) is not used here: leave it empty (it holds {found.quote(ref, raw)})",
                ref,
                child.data_element,
            )
            return
        kind = child.type
        measured = (
            len(raw) - raw.count("-") - raw.count(".")
            if kind == "R" or kind[:1] == "N"
            else len(raw)
        )
        if measured < child.low:
            found(
                snip1.TOO_SHORT,
                f"{ref} ({name}) {found.quote(ref, raw)} is {measured} long; at least {child.low} needed",
                ref,
                child.data_element,
            )
        elif measured > child.high:
            found(
                snip1.TOO_LONG,
                f"{ref} ({name}) {found.quote(ref, raw)} is {measured} long; at most {child.high} allowed",
                ref,
                child.data_element,
            )
        control = _control(raw)
        if control is not None:
            found(
                snip1.CHARACTER,
                f"{ref} ({name}) holds a control character ({control}): remove it",
                ref,
                child.data_element,
            )
            return
        if kind in ("AN", "ID") and raw[-1] == " " and len(raw.rstrip()) >= child.low:
            found(
                snip1.CHARACTER,
                f"{ref} ({name}) {found.quote(ref, raw)} ends with spaces: trim them",
                ref,
                child.data_element,
            )
        coded = child.codes or child.external is not None
        if (
            coded
            and raw not in child.codes
            and (child.external is None or raw not in child.external)
        ):
            found(snip2.CODE, _code_message(child, found.quote(ref, raw)), ref, child.data_element)
        if not of_type(raw, kind):
            if kind in _DATE_TYPES:
                rule, what = snip1.DATE, "is not a real date (CCYYMMDD)"
            elif kind == "TM":
                rule, what = snip1.TIME, "is not a real time (HHMM)"
            elif kind == "R" or kind[:1] == "N":
                rule, what = snip1.NUMBER, f"is not a number ({kind})"
            else:
                rule, what = snip1.CHARACTER, "holds a character outside the X12 character set"
            found(rule, f"{ref} ({name}) {found.quote(ref, raw)} {what}", ref, child.data_element)
        if type_list and not any(of_type(raw, t) for t in type_list if t):
            if "TM" in type_list:
                found(
                    snip1.TIME,
                    f"{ref} ({name}) {found.quote(ref, raw)} is not a real time",
                    ref,
                    child.data_element,
                )
            elif any(t in _DATE_TYPES for t in type_list):
                shown = " or ".join(t for t in type_list if t)
                found(
                    snip1.DATE,
                    f"{ref} ({name}) {found.quote(ref, raw)} is not a real date in the format {shown}",
                    ref,
                    child.data_element,
                )
        if child.pattern is not None and child.pattern.search(raw) is None:
            found(
                snip2.PATTERN,
                f"{ref} ({name}) {found.quote(ref, raw)} does not have the form the TR3 "
                f"requires here ({child.pattern.pattern})",
                ref,
                child.data_element,
            )


class _Found:
    """The findings of one segment: passed on as they come, quoting values masked."""

    __slots__ = ("any", "checker", "elements", "emit")

    def __init__(self, checker: SegmentChecker, elements: list[str], emit: Emit) -> None:
        self.checker = checker
        self.elements = elements
        self.emit = emit
        self.any = False

    def __call__(self, rule: Rule, message: str, ref: str, data_element: str) -> None:
        self.any = True
        self.emit(rule, message, ref, data_element)

    def quote(self, ref: str, raw: str) -> str:
        sensitive = holds_member_data(self.checker.loop_id, self.elements, ref)
        return phi.quoted(raw, sensitive=sensitive)


def _formatted(raw: str, component: str | None) -> str:
    """The element as pyx12 reads it whole: trailing empty components dropped."""
    if component is None or component not in raw:
        return raw
    parts = raw.split(component)
    while len(parts) > 1 and parts[-1] == "":
        parts.pop()
    return component.join(parts)


def _present(elements: list[str], ref: str, component: str | None) -> bool:
    index = int(ref[-2:])
    if index >= len(elements):
        return False
    raw = elements[index]
    return (raw.replace(component, "") if component else raw) != ""


def _syntax_message(note: SyntaxNote) -> str:
    names = ", ".join(note.refs)
    first, others = note.refs[0], ", ".join(note.refs[1:])
    return {
        "P": f"{names} go together ({note.text}): give all of them or none",
        "R": f"at least one of {names} is required ({note.text})",
        "C": f"when {first} is given, {others} must be too ({note.text})",
        "L": f"when {first} is given, at least one of {others} must be too ({note.text})",
        "E": f"at most one of {names} may be given ({note.text})",
    }[note.kind]


def _code_message(child: Element, shown: str) -> str:
    message = f"{child.ref} ({child.name}) {shown} is not a code allowed here"
    if child.codes and len(child.codes) <= 8:
        message += f": use {', '.join(sorted(child.codes))}"
    return message


def checker(node: SegNode) -> SegmentChecker:
    """The compiled element pass of a node (compiled on first use, kept on the node)."""
    found = node.checker
    if found is None:
        found = node.checker = SegmentChecker(node)
    assert isinstance(found, SegmentChecker)
    return found
