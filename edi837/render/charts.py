"""The report's charts as inline SVG, drawn by matplotlib's SVG backend.

Deterministic by construction: a fixed hash salt for the clip-path IDs matplotlib derives
(``svg.hashsalt``), then every ID prefixed with the chart's own name so two charts on one page
never share one; no date or creator in the metadata; text left as text (``svg.fonttype: none``)
so nothing is embedded and the page stays small. No pyplot and no global state: each chart is
its own ``Figure``. The numbers come in as Decimal and are drawn as floats; the tables under the
charts carry the exact amounts (docs/decisions/0007-report-charts-and-browser-test.md).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from lxml import etree

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"

# Okabe and Ito's palette: told apart with every common colour-vision deficiency, and in print
COLOURS = {
    "billed": "#0072B2",
    "paid": "#009E73",
    "denied": "#D55E00",
    "open": "#E69F00",
    "other": "#56B4E9",
}
_RC: Any = {  # Any: matplotlib types its keys as one Literal of every rcParam
    "svg.hashsalt": "edi837-report",
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 9.0,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#555555",
    "axes.labelcolor": "#222222",
    "xtick.color": "#333333",
    "ytick.color": "#333333",
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "legend.frameon": False,
}
_METADATA: dict[str, Any] = {"Date": None, "Creator": None, "Format": None, "Type": None}
WIDTH = 7.2  # inches: the page's column at 96 px per inch, minus the margins


def _dollars(value: float, _position: object = None) -> str:
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.0f}"


def _floats(values: Sequence[Decimal]) -> list[float]:
    return [float(v) for v in values]


def _figure(height: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(WIDTH, height), dpi=96, layout="constrained")


def _render(name: str, figure: Any, title: str) -> etree._Element:
    """The figure as an ``<svg>`` element with IDs of its own and an accessible name."""
    import matplotlib

    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": _RC["svg.hashsalt"]}):
        figure.savefig(buffer, format="svg", metadata=_METADATA)
    root = etree.fromstring(buffer.getvalue(), etree.XMLParser(resolve_entities=False))
    _prefix_ids(root, name)
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.startswith("{"):
            element.tag = etree.QName(element).localname  # inline SVG in HTML: no namespace
    etree.cleanup_namespaces(root)
    for stale in root.findall("metadata"):
        root.remove(stale)
    root.attrib.pop("width", None)
    root.attrib.pop("height", None)
    root.set("class", "chart")
    root.set("role", "img")
    root.set("aria-labelledby", f"{name}-title")
    label = etree.Element("title", id=f"{name}-title")
    label.text = title
    root.insert(0, label)
    return root


_URL = re.compile(r"url\(#([^)]+)\)")


def _prefix_ids(root: etree._Element, name: str) -> None:
    """Keep only the IDs something refers to, each prefixed with the chart's name."""
    href = f"{{{XLINK_NS}}}href"
    used: set[str] = set()
    for element in root.iter():
        for key, value in element.attrib.items():
            if key in (href, "href") and value.startswith("#"):
                used.add(value[1:])
            used.update(_URL.findall(value))
    for element in root.iter():
        for key, value in list(element.attrib.items()):
            if key == "id":
                if value in used:
                    element.set(key, f"{name}-{value}")
                else:
                    del element.attrib[key]
            elif key in (href, "href") and value.startswith("#"):
                del element.attrib[key]
                element.set("href", f"#{name}-{value[1:]}")
            elif "url(#" in value:
                element.set(key, _URL.sub(lambda m: f"url(#{name}-{m.group(1)})", value))


def _side_by_side(
    draw: Any, categories: int, series: Sequence[tuple[str, Sequence[Decimal]]]
) -> list[int]:
    """Each series' bars next to the others' within a category's slot (``Axes.bar``/``barh``)."""
    count = max(len(series), 1)
    thickness = 0.8 / count
    positions = list(range(categories))
    for index, (label, values) in enumerate(series):
        offset = (index - (count - 1) / 2) * thickness
        draw(
            [p + offset for p in positions],
            _floats(values),
            thickness * 0.95,
            label=label,
            color=COLOURS.get(label, COLOURS["other"]),
        )
    return positions


def grouped_columns(
    name: str,
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[Decimal]]],
) -> etree._Element:
    """Columns side by side for each category (billed, paid, denied, open by service month)."""
    import matplotlib

    with matplotlib.rc_context(_RC):
        figure = _figure(2.9)
        axes = figure.add_subplot()
        count = len(series)
        positions = _side_by_side(axes.bar, len(categories), series)
        axes.set_xticks(positions, list(categories))
        axes.yaxis.set_major_formatter(_dollars)
        axes.grid(axis="x", visible=False)
        axes.set_xlabel("service month")
        axes.legend(ncols=count, loc="upper center", bbox_to_anchor=(0.5, 1.14))
        return _render(name, figure, title)


def horizontal_bars(
    name: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Decimal]]],
) -> etree._Element:
    """Bars across, the first label on top (denials by reason, programs)."""
    import matplotlib

    with matplotlib.rc_context(_RC):
        count = len(series)
        figure = _figure(
            0.7 + len(labels) * (0.1 + 0.13 * max(count, 1)) + (0.3 if count > 1 else 0)
        )
        axes = figure.add_subplot()
        positions = _side_by_side(axes.barh, len(labels), series)
        axes.set_yticks(positions, [_shorten(label) for label in labels])
        axes.invert_yaxis()
        axes.xaxis.set_major_formatter(_dollars)
        axes.grid(axis="y", visible=False)
        if count > 1:
            axes.legend(ncols=count, loc="lower center", bbox_to_anchor=(0.5, 1.0))
        return _render(name, figure, title)


def columns(
    name: str, title: str, labels: Sequence[str], values: Sequence[Decimal], *, colour: str
) -> etree._Element:
    """One column per label (the open amounts by aging bucket)."""
    import matplotlib

    with matplotlib.rc_context(_RC):
        figure = _figure(2.4)
        axes = figure.add_subplot()
        axes.bar(list(range(len(labels))), _floats(values), 0.6, color=COLOURS[colour])
        axes.set_xticks(list(range(len(labels))), list(labels))
        axes.yaxis.set_major_formatter(_dollars)
        axes.grid(axis="x", visible=False)
        axes.set_xlabel("days since sent")
        return _render(name, figure, title)


def _shorten(label: str, limit: int = 48) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"
