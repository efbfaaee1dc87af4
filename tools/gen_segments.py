"""Derive segments/*.toml from pyx12's TR3 maps.

pyx12 is our conformance oracle, and its maps are the TR3 kept as data. We do not read those maps
at run time (they are large XML and describe far more than we write); instead this script distils
what edi837 needs into small TOML files that are reviewed like code:

- ``segments/elements.toml``: every segment that appears in the maps below, with each
  element's reference designator, data element number, type and length limits (composites with
  their components). The writer checks element types and lengths against it.
- ``segments/<txn>.toml``: the loop tree of one transaction: loop IDs as the TR3 names them, each
  loop's parent, its trigger segment (and the qualifier codes that tell sibling loops apart), and
  its segments in TR3 order, each with its usage (R required, S situational, N not used), its
  maximum use, its syntax notes (P0809: paired...) and, per element in that context, its usage
  and the codes the map allows. The generic reader assembles loops from it; the writer's order
  and the validator's checks are held to it.
- ``segments/interchange.toml``: the same for the envelope segments (ISA, GS, GE, TA1, IEA),
  from pyx12's control map.

Run ``python tools/gen_segments.py`` after upgrading pyx12; ``tests/test_segments_data.py`` fails
when the committed files differ from what this script produces.
"""

from __future__ import annotations

import argparse
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

TRANSACTIONS = {
    # file stem: (pyx12 map, transaction set id, implementation guide version, title)
    "837p": ("837.5010.X222.A1.xml", "837", "005010X222A1", "Health Care Claim: Professional"),
    "835": ("835.5010.X221.A1.xml", "835", "005010X221A1", "Health Care Claim Payment/Advice"),
    "999": ("999.5010X231.A1.xml", "999", "005010X231A1", "Implementation Acknowledgment"),
    "277ca": ("277.5010.X214.xml", "277", "005010X214", "Health Care Claim Acknowledgment"),
    # the 999's predecessor, still sent by some clearinghouses: AK3/AK4/AK5 where the 999 has
    # IK3/IK4/IK5 (pyx12 names its loops after their first segment, AK2 and AK3)
    "997": ("997.4010.xml", "997", "004010", "Functional Acknowledgment"),
}
ENVELOPE = {"ISA", "IEA", "GS", "GE"}
CONTROL = "x12.control.00501.xml"  # the interchange envelope, with TA1


@dataclass
class ElementUse:
    ref: str
    usage: str
    codes: list[str]
    external: str  # the external code list pyx12 names instead of codes (states, country...)
    pattern: str = ""  # a regular expression the value must contain a match of (REF02 SSNs)


@dataclass
class SegmentUse:
    id: str
    name: str
    usage: str
    max_use: str
    pos: str
    syntax: list[str]
    elements: list[ElementUse]
    wrapper: str = ""  # the map's pseudo-loop (HEADER, DETAIL, FOOTER) around a root segment


@dataclass
class Wrapper:
    """pyx12's HEADER / DETAIL / FOOTER pseudo-loops: the TR3 does not name them, but the order
    a validator walks a transaction in depends on their positions."""

    id: str
    name: str
    pos: str
    usage: str
    repeat: str


@dataclass
class LoopDecl:
    id: str
    name: str
    path: str
    parent: str
    usage: str
    repeat: str
    trigger: str
    qualifier_element: int | None
    qualifier_codes: list[str]
    pos: str = ""  # the loop's position in its parent (not always its first segment's)
    wrapper: str = ""
    segments: list[SegmentUse] = field(default_factory=list)


def _text(node: ET.Element, tag: str, default: str = "") -> str:
    child = node.find(tag)
    return child.text.strip() if child is not None and child.text else default


def _refdes(xid: str) -> str:
    """pyx12 writes components as CLM05-01; the TR3 (and we) write CLM05-1."""
    if "-" in xid:
        head, tail = xid.split("-", 1)
        return f"{head}-{int(tail)}"
    return xid


def _map_root(map_name: str) -> ET.Element:
    path = resources.files("pyx12") / "map" / map_name
    return ET.fromstring(path.read_bytes())


def _data_elements() -> dict[str, tuple[str, int, int, str]]:
    root = ET.fromstring((resources.files("pyx12") / "map" / "dataele.xml").read_bytes())
    out: dict[str, tuple[str, int, int, str]] = {}
    for node in root.iter("data_ele"):
        out[node.attrib["ele_num"]] = (
            node.attrib["data_type"],
            int(node.attrib["min_len"]),
            int(node.attrib["max_len"]),
            node.attrib["name"],
        )
    return out


def _valid_codes(element: ET.Element) -> list[str]:
    codes = element.find("valid_codes")
    if codes is None:
        return []
    return [c.text.strip() for c in codes.findall("code") if c.text]


def _element_uses(segment: ET.Element) -> list[ElementUse]:
    out = []
    for node in segment:
        if node.tag not in ("element", "composite"):
            continue
        xid = node.attrib.get("xid") or f"{segment.attrib['xid']}{_text(node, 'seq')}"
        codes = node.find("valid_codes")
        external = codes.attrib.get("external", "") if codes is not None else ""
        out.append(
            ElementUse(
                _refdes(xid),
                _text(node, "usage"),
                _valid_codes(node),
                external,
                _text(node, "regex"),
            )
        )
        if node.tag == "composite":
            out.extend(_element_uses(node))
    return out


def _segment_use(segment: ET.Element) -> SegmentUse:
    return SegmentUse(
        id=segment.attrib["xid"],
        name=_text(segment, "name"),
        usage=_text(segment, "usage"),
        max_use=_text(segment, "max_use", ">1"),
        pos=_text(segment, "pos"),
        syntax=[s.text.strip() for s in segment.findall("syntax") if s.text],
        elements=_element_uses(segment),
    )


def _trigger(segment: ET.Element) -> tuple[int | None, list[str]]:
    """The first required element with closed codes tells sibling loops apart (NM101, HL03...)."""
    for element in segment.findall("element"):
        codes = _valid_codes(element)
        if codes and _text(element, "usage") == "R":
            return int(_text(element, "seq")), codes
    return None, []


def collect_loops(
    root: ET.Element,
) -> tuple[list[SegmentUse], list[LoopDecl], list[Wrapper]]:
    """Flatten the map into the transaction's own segments, its loops, and its wrappers.

    pyx12 wraps the transaction in HEADER / DETAIL / FOOTER pseudo-loops; the TR3 does not name
    them, so their segments belong to the transaction itself (parent ``ST``). Each segment and
    loop directly inside one names it (``wrapper``), for a validator that walks as pyx12 does.
    """
    st_loop = next(loop for loop in root.iter("loop") if loop.attrib["xid"] == "ST_LOOP")
    root_segments: list[SegmentUse] = []
    loops: list[LoopDecl] = []
    wrappers: list[Wrapper] = []

    def walk(node: ET.Element, parent: str, own: list[SegmentUse], wrapper: str = "") -> None:
        # parent is a path ("2000A/2000B/2300"): the 837P repeats 2300 and below under 2000C
        for child in node:
            if child.tag == "segment":
                own.append(_segment_use(child))
                own[-1].wrapper = wrapper
            elif child.tag == "loop":
                xid = child.attrib["xid"]
                if child.attrib.get("type") == "wrapper":
                    wrappers.append(
                        Wrapper(
                            xid,
                            _text(child, "name"),
                            _text(child, "pos"),
                            _text(child, "usage"),
                            _text(child, "repeat"),
                        )
                    )
                    walk(child, parent, own, xid)
                    continue
                first = child.find("segment")
                if first is None:
                    raise SystemExit(f"loop {xid} has no segment")
                element, codes = _trigger(first)
                path = xid if parent == "ST" else f"{parent}/{xid}"
                decl = LoopDecl(
                    id=xid,
                    name=_text(child, "name"),
                    path=path,
                    parent=parent,
                    usage=_text(child, "usage"),
                    repeat=_text(child, "repeat"),
                    trigger=first.attrib["xid"],
                    qualifier_element=element,
                    qualifier_codes=codes,
                    pos=_text(child, "pos"),
                    wrapper=wrapper,
                )
                loops.append(decl)
                walk(child, path, decl.segments)

    walk(st_loop, "ST", root_segments)

    # The reader matches a segment against the children of the innermost open loop first, then
    # against those of each enclosing loop. A qualifier is only kept where that order could pick
    # the wrong loop: another loop on the same chain opens with the same segment and other codes
    # (HL*20/22/23, NM1*85/87/IL...). Elsewhere it would only make a lenient reader miss a loop
    # whose opening segment carries an unlisted code.
    def on_one_chain(a: str, b: str) -> bool:
        return a == "ST" or b in ("ST", a) or a.startswith(b + "/") or b.startswith(a + "/")

    keep = []
    for loop in loops:
        rivals = [
            other
            for other in loops
            if other is not loop
            and other.trigger == loop.trigger
            and on_one_chain(other.parent, loop.parent)
        ]
        keep.append(any(other.qualifier_codes != loop.qualifier_codes for other in rivals))
    for loop, kept in zip(loops, keep, strict=True):
        if not kept:
            loop.qualifier_element, loop.qualifier_codes = None, []
    return root_segments, loops, wrappers


def collect_elements(
    roots: list[ET.Element], dictionary: dict[str, tuple[str, int, int, str]]
) -> dict[str, list[dict[str, object]]]:
    """One element list per segment ID, checked to be the same wherever the segment appears."""
    segments: dict[str, list[dict[str, object]]] = {}
    for root in roots:
        for segment in root.iter("segment"):
            seg_id = segment.attrib["xid"]
            elements: list[dict[str, object]] = []
            for node in segment:
                if node.tag == "element":
                    elements.append(_element(node, dictionary))
                elif node.tag == "composite":
                    # the 999 map leaves some composites unnamed: the position names them
                    xid = node.attrib.get("xid") or f"{seg_id}{_text(node, 'seq')}"
                    elements.append(
                        {
                            "ref": _refdes(xid),
                            "data_ele": _text(node, "data_ele"),
                            "name": _text(node, "name"),
                            "components": [
                                _element(sub, dictionary) for sub in node.findall("element")
                            ],
                        }
                    )
            known = segments.get(seg_id)
            if known is None:
                segments[seg_id] = elements
                continue
            known_eles = [e["data_ele"] for e in known]
            if known_eles != [e["data_ele"] for e in elements] and len(elements) > len(known):
                segments[seg_id] = elements
                continue
            # a map lists a composite's components only where they are used (REF04 is "not
            # used" in most REFs): take them from the first map that lists them
            for ours, theirs in zip(known, elements, strict=False):
                if "components" in ours and not ours["components"] and theirs.get("components"):
                    ours["components"] = theirs["components"]
    return segments


def _element(
    node: ET.Element, dictionary: dict[str, tuple[str, int, int, str]]
) -> dict[str, object]:
    ele = _text(node, "data_ele")
    dtype, min_len, max_len, generic = dictionary[ele]
    if generic == ele:  # the dictionary names ISA/IEA elements only by number
        generic = _text(node, "name")
    return {
        "ref": _refdes(node.attrib["xid"]),
        "data_ele": ele,
        "name": generic,
        "type": dtype,
        "min": min_len,
        "max": max_len,
    }


def _toml_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _toml_list(values: list[str]) -> str:
    return "[" + ", ".join(_toml_str(v) for v in values) + "]"


def _render_uses(table: str, uses: list[SegmentUse]) -> list[str]:
    """``[[<table>.segment]]`` blocks: one per segment use, in TR3 order."""
    lines: list[str] = []
    for use in uses:
        max_use = use.max_use if use.max_use.isdigit() else _toml_str(use.max_use)
        lines += [
            f"[[{table}.segment]]",
            f"id = {_toml_str(use.id)}",
            f"name = {_toml_str(use.name)}",
            f"usage = {_toml_str(use.usage)}",
            f"max_use = {max_use}",
            f"pos = {_toml_str(use.pos)}",
        ]
        if use.wrapper:
            lines.append(f"wrapper = {_toml_str(use.wrapper)}")
        if use.syntax:
            lines.append(f"syntax = {_toml_list(use.syntax)}")
        lines += ["", f"[{table}.segment.elements]"]
        for element in use.elements:
            parts = []
            if element.codes:
                parts.append(f"codes = {_toml_list(element.codes)}")
            elif element.external:
                parts.append(f"codes_from = {_toml_str(element.external)}")
            if element.pattern:
                parts.append(f"pattern = {_toml_str(element.pattern)}")
            if parts:
                value = "{ " + ", ".join([f"usage = {_toml_str(element.usage)}", *parts]) + " }"
            else:
                value = _toml_str(element.usage)
            lines.append(f"{element.ref} = {value}")
        lines.append("")
    return lines


_USES_LEGEND = [
    "# Each segment use gives its usage (R required, S situational, N not used), its maximum use,",
    "# its TR3 position, its syntax notes (P0809: NM108 and NM109 both or neither; R, C, L and E",
    "# as X12 writes them) and, per element in this context, its usage, and the codes allowed",
    "# (codes) or the external list pyx12 names for them (codes_from, in codes/x12-external.toml),",
    "# and a pattern the value must match where the map gives one. ``wrapper`` names the map's",
    "# HEADER / DETAIL / FOOTER pseudo-loop a root segment or loop sits in (see [[wrapper]]).",
]


def render_transaction(
    stem: str, root_segments: list[SegmentUse], loops: list[LoopDecl], wrappers: list[Wrapper]
) -> str:
    map_name, txn, version, title = TRANSACTIONS[stem]
    lines = [
        f"# Loop structure of the {txn} transaction ({version}), derived from pyx12's {map_name}",
        "# by tools/gen_segments.py. Do not edit by hand: regenerate.",
        "#",
        "# Each loop gives its path from the transaction (its parent is the path without the last",
        "# part), the segment that opens it (trigger) and, where sibling loops open with the same",
        "# segment, the element and codes that tell them apart, its position in its parent (pos);",
        "# then its segments in TR3 order.",
        *_USES_LEGEND,
        "",
        "[transaction]",
        f"id = {_toml_str(txn)}",
        f"version = {_toml_str(version)}",
        f"name = {_toml_str(title)}",
        "",
    ]
    for wrapper in wrappers:
        lines += [
            "[[transaction.wrapper]]",
            f"id = {_toml_str(wrapper.id)}",
            f"name = {_toml_str(wrapper.name)}",
            f"pos = {_toml_str(wrapper.pos)}",
            f"usage = {_toml_str(wrapper.usage)}",
            f"repeat = {_toml_str(wrapper.repeat)}",
            "",
        ]
    lines += _render_uses("transaction", root_segments)
    for loop in loops:
        lines += [
            "[[loop]]",
            f"id = {_toml_str(loop.id)}",
            f"name = {_toml_str(loop.name)}",
            f"path = {_toml_str(loop.path)}",
            f"usage = {_toml_str(loop.usage)}",
            f"repeat = {_toml_str(loop.repeat)}",
            f"trigger = {_toml_str(loop.trigger)}",
            f"pos = {_toml_str(loop.pos)}",
        ]
        if loop.wrapper:
            lines.append(f"wrapper = {_toml_str(loop.wrapper)}")
        if loop.qualifier_element is not None:
            lines.append(
                f"qualifier = {{ element = {loop.qualifier_element}, codes = "
                f"{_toml_list(loop.qualifier_codes)} }}"
            )
        lines.append("")
        lines += _render_uses("loop", loop.segments)
    return "\n".join(lines)


def collect_interchange(root: ET.Element) -> list[SegmentUse]:
    """The envelope segments of the control map in order: ISA, GS, GE, TA1, IEA."""
    return [_segment_use(node) for node in root.iter("segment") if node.attrib["xid"] != "ST"]


def render_interchange(uses: list[SegmentUse]) -> str:
    lines = [
        f"# The interchange envelope (ISA, GS, GE, TA1, IEA), derived from pyx12's {CONTROL}",
        "# by tools/gen_segments.py. Do not edit by hand: regenerate.",
        "#",
        *_USES_LEGEND,
        "",
        "[interchange]",
        'name = "Interchange Control"',
        'version = "00501"',
        "",
        *_render_uses("interchange", uses),
    ]
    return "\n".join(lines)


def render_external(names: set[str]) -> str:
    """The external code lists the maps name (``codes_from``), as pyx12's codes.xml gives them."""
    root = _map_root("codes.xml")
    lines = [
        "# The external code lists pyx12's maps name for some elements (codes_from in the",
        "# transaction declarations): states, countries, currencies, entity identifiers, remark",
        "# codes, claim status categories and codes, places of service, as pyx12 4.0.0 ships them",
        "# in map/codes.xml. Derived by tools/gen_segments.py. Do not edit by hand.",
        "#",
        "# These are what a TR3-level (SNIP 2) check holds an element to, as pyx12 does. The code",
        "# sets edi837 keeps current itself (places of service, RARC, CARC) are elsewhere in",
        "# segments/codes/ with their sources named.",
        "",
    ]
    for codeset in root.iter("codeset"):
        key = (codeset.findtext("id") or "").strip()
        if key not in names:
            continue
        codes = sorted({c.text.strip() for c in codeset.iterfind("version/code") if c.text})
        lines += [
            f"[{key}]",
            f"name = {_toml_str((codeset.findtext('name') or '').strip())}",
            "codes = [",
            *(
                "  " + ", ".join(_toml_str(c) for c in codes[i : i + 12]) + ","
                for i in range(0, len(codes), 12)
            ),
            "]",
            "",
        ]
    return "\n".join(lines)


def _render_element(element: dict[str, object]) -> str:
    parts = [
        f"ref = {_toml_str(str(element['ref']))}",
        f"ele = {_toml_str(str(element['data_ele']))}",
    ]
    if "type" in element:
        parts += [
            f"type = {_toml_str(str(element['type']))}",
            f"min = {element['min']}",
            f"max = {element['max']}",
        ]
    parts.append(f"name = {_toml_str(str(element['name']))}")
    return "{ " + ", ".join(parts) + " }"


def render_elements(segments: dict[str, list[dict[str, object]]]) -> str:
    lines = [
        "# The X12 segment dictionary for every segment of the 837P, 835, 999, 277CA and 997 maps",
        "# and of the interchange envelope (TA1), derived from pyx12's maps and dataele.xml by",
        "# tools/gen_segments.py. Do not edit by hand.",
        "#",
        "# type: AN string, ID code, R decimal, N0/N2 implied-decimal number, DT date, TM time.",
        "# min/max: length limits as X12 counts them (sign and decimal point do not count).",
        "",
    ]
    for seg_id in sorted(segments):
        lines.append(f"[{seg_id}]")
        lines.append("elements = [")
        for element in segments[seg_id]:
            if "components" in element:
                components = element["components"]
                assert isinstance(components, list)
                lines.append(
                    f"  {{ ref = {_toml_str(str(element['ref']))}, "
                    f"ele = {_toml_str(str(element['data_ele']))}, "
                    f"name = {_toml_str(str(element['name']))}, components = ["
                )
                lines += [f"    {_render_element(c)}," for c in components]
                lines.append("  ] },")
            else:
                lines.append(f"  {_render_element(element)},")
        lines += ["]", ""]
    return "\n".join(lines)


def generate() -> dict[str, str]:
    dictionary = _data_elements()
    out: dict[str, str] = {}
    roots = []
    external: set[str] = set()
    for stem, (map_name, *_rest) in TRANSACTIONS.items():
        root = _map_root(map_name)
        roots.append(root)
        own, loops, wrappers = collect_loops(root)
        out[f"{stem}.toml"] = render_transaction(stem, own, loops, wrappers)
        for use in [*own, *(u for loop in loops for u in loop.segments)]:
            external.update(e.external for e in use.elements if e.external)
    control = _map_root(CONTROL)
    out["interchange.toml"] = render_interchange(collect_interchange(control))
    roots.append(control)  # for TA1, the one envelope segment no transaction map has
    for use in collect_interchange(control):
        external.update(e.external for e in use.elements if e.external)
    out["elements.toml"] = render_elements(collect_elements(roots, dictionary))
    out["codes/x12-external.toml"] = render_external(external)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).resolve().parent.parent / "segments"
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if the files are stale")
    args = parser.parse_args(argv)
    stale = []
    for name, text in generate().items():
        target = args.out / name
        if args.check:
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            target.write_text(text, encoding="utf-8")
    if stale:
        print("stale: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
