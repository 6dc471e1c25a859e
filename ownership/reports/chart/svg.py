"""Drawing the laid-out structure chart as one self-contained SVG element (no scripts, no external references).

Statuses differ in colour and also in what survives a grayscale print: home boxes are dark with white text,
flagged boxes hatched with a heavy border, possible boxes dashed, clear boxes plain. Every piece of user text
is escaped for XML, stripped of characters XML cannot hold, and names are wrapped in Unicode isolates so a
right-to-left name (or a stray direction override) cannot reorder the text around it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ownership.reports.chart.layout import BOX_H, Layout, Rect, Route, fit_text, place_labels, text_width
from ownership.result import Status

FONT = (
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Noto Sans CJK SC', 'Microsoft YaHei', Arial, "
    "sans-serif"
)
NAME_SIZE = 12.0
DETAIL_SIZE = 10.5
LABEL_SIZE = 11.0
MARKER_SIZE = 10.0
MARGIN = 24.0
#: Space above a box for the "owners not shown" marker.
MARKER_SPACE = 22.0

# Characters XML 1.0 cannot carry (control characters, lone surrogates, U+FFFE/U+FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Direction controls in names are isolated, not trusted.
_ISOLATE = ("\u2068", "\u2069")


@dataclass(frozen=True, slots=True)
class Style:
    """How one status is drawn."""

    fill: str
    stroke: str
    stroke_width: float
    dash: str
    text: str
    halo: str
    words: str


STYLES = {
    Status.HOME: Style("#7f1d1d", "#450a0a", 2.0, "", "#ffffff", "", "home: in the watched jurisdiction itself"),
    Status.FLAGGED: Style("#fecaca", "#b91c1c", 2.4, "", "#450a0a", "#fecaca", "flagged: owned past the threshold"),
    Status.POSSIBLE: Style(
        "#fef3c7", "#b45309", 1.6, "6 3", "#451a03", "#fef3c7", "possible: the data cannot rule it out"
    ),
    Status.CLEAR: Style("#f0fdf4", "#4b5563", 1.0, "", "#111827", "#f0fdf4", "clear"),
}
EDGE = "#4b5563"
BACK_EDGE = "#6d28d9"


@dataclass(frozen=True, slots=True)
class NodeView:
    """One box to draw: the text on it and in its tooltip."""

    entity_id: str
    name: str
    detail: str
    tooltip: str
    status: Status
    focus: bool
    hidden_owners: int


@dataclass(frozen=True, slots=True)
class EdgeView:
    """One holding to draw (``holder`` and ``subject`` are entity ids, kept as data attributes for stylesheets)."""

    holder: str
    subject: str
    label: str
    tooltip: str
    control_only: bool
    strength: float  # the low stake (fraction), for the line's weight


def xml_text(text: str) -> str:
    """``text`` safe inside an XML element or a double- or single-quoted attribute."""
    clean = _NOT_XML.sub("\ufffd", text)
    return (
        clean.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
        .replace("\r", "&#13;")
        .replace("\n", "&#10;")
    )


def isolate(text: str) -> str:
    """``text`` as a bidirectional isolate, so its direction cannot leak into what follows it."""
    return f"{_ISOLATE[0]}{text}{_ISOLATE[1]}"


def _num(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def wrap_name(name: str, width: float, size: float = NAME_SIZE) -> list[str]:
    """A name on at most two lines of ``width`` units, broken at spaces where possible, the rest cut with '…'."""
    name = " ".join(name.split()) or "(no name)"
    if text_width(name, size) <= width:
        return [name]
    words = name.split(" ")
    first = ""
    for i, word in enumerate(words):
        trial = f"{first} {word}" if first else word
        if text_width(trial, size) > width:
            rest = " ".join(words[i:])
            break
        first = trial
    else:  # pragma: no cover - the whole name fitted, handled above
        return [name]
    if not first:
        # One word longer than the line (or text without spaces, as in Chinese): break inside it.
        first = fit_text(name, size, width + text_width("…", size))[:-1]
        rest = name[len(first) :]
    return [first, fit_text(rest.strip(), size, width)]


def _path(route: Route) -> str:
    pts = route.points
    parts = [f"M{_num(pts[0][0])},{_num(pts[0][1])}"]
    for i in range(0, len(pts) - 1):
        (x0, y0), (x1, y1) = pts[i], pts[i + 1]
        if i % 2 == 0:
            mid = (y0 + y1) / 2
            parts.append(f"C{_num(x0)},{_num(mid)} {_num(x1)},{_num(mid)} {_num(x1)},{_num(y1)}")
        else:
            parts.append(f"L{_num(x1)},{_num(y1)}")
    return "".join(parts)


def _defs(p: str) -> list[str]:
    flagged = STYLES[Status.FLAGGED]
    return [
        "<defs>",
        f'<pattern id="{p}-hatch" patternUnits="userSpaceOnUse" width="7" height="7" patternTransform="rotate(45)">'
        f'<rect width="7" height="7" fill="{flagged.fill}"/>'
        f'<line x1="0" y1="0" x2="0" y2="7" stroke="{flagged.stroke}" stroke-width="1.6" stroke-opacity="0.32"/>'
        "</pattern>",
        f'<marker id="{p}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        f'markerUnits="userSpaceOnUse" orient="auto"><path d="M0,1L10,5L0,9z" fill="{EDGE}"/></marker>',
        f'<marker id="{p}-back" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        f'markerUnits="userSpaceOnUse" orient="auto"><path d="M0,1L10,5L0,9z" fill="{BACK_EDGE}"/></marker>',
        "</defs>",
    ]


def _fill(status: Status, p: str) -> str:
    return f"url(#{p}-hatch)" if status is Status.FLAGGED else STYLES[status].fill


def _box(x: float, y: float, w: float, h: float, status: Status, p: str) -> str:
    s = STYLES[status]
    dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
    return (
        f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(w)}" height="{_num(h)}" rx="7" ry="7" '
        f'fill="{_fill(status, p)}" stroke="{s.stroke}" stroke-width="{s.stroke_width}"{dash}/>'
    )


def _text(
    x: float, y: float, text: str, size: float, color: str, halo: str, *, anchor: str = "middle", weight: str = ""
) -> str:
    halo_attrs = f' stroke="{halo}" stroke-width="3" stroke-linejoin="round" paint-order="stroke"' if halo else ""
    bold = f' font-weight="{weight}"' if weight else ""
    return (
        f'<text x="{_num(x)}" y="{_num(y)}" font-size="{size}" text-anchor="{anchor}" fill="{color}"'
        f"{bold}{halo_attrs}>{xml_text(text)}</text>"
    )


def _legend(p: str, width: float, shown: set[str]) -> tuple[list[str], float]:
    """The legend as rows of items fitted to ``width``: every status, and the kinds of line and marker drawn
    (``shown`` holds 'control', 'back', 'hidden', 'focus' for those present). Returns the elements and the
    height used."""
    items: list[tuple[str, str]] = []
    for status in (Status.HOME, Status.FLAGGED, Status.POSSIBLE, Status.CLEAR):
        swatch = _box(0, 0, 26, 16, status, p)
        items.append((swatch, STYLES[status].words))
    items.append(
        (f'<path d="M0,8L26,8" stroke="{EDGE}" stroke-width="1.6" marker-end="url(#{p}-arrow)"/>', "owns (stake)")
    )
    if "control" in shown:
        items.append(
            (
                f'<path d="M0,8L26,8" stroke="{EDGE}" stroke-width="1.4" stroke-dasharray="5 4" '
                f'marker-end="url(#{p}-arrow)"/>',
                "control without equity",
            )
        )
    if "back" in shown:
        items.append(
            (
                f'<path d="M0,14C0,2 26,14 26,2" fill="none" stroke="{BACK_EDGE}" stroke-width="1.4" '
                f'marker-end="url(#{p}-back)"/>',
                "holding that closes a loop (drawn upward)",
            )
        )
    if "hidden" in shown:
        items.append(
            (
                '<rect x="0" y="2" width="26" height="12" rx="6" fill="#ffffff" stroke="#6b7280" '
                'stroke-dasharray="3 2"/>',
                "owners not shown",
            )
        )
    if "focus" in shown:
        items.append(
            (
                '<rect x="1" y="1" width="24" height="14" rx="5" fill="none" stroke="#111827" stroke-width="2.5"/>',
                "entity checked (--entity)",
            )
        )
    out: list[str] = ['<g class="legend">']
    x, y, row_h = MARGIN, MARGIN, 22.0
    for swatch, words in items:
        item_w = 34 + text_width(words, LABEL_SIZE) + 18
        if x > MARGIN and x + item_w > width - MARGIN:
            x, y = MARGIN, y + row_h
        out.append(f'<g transform="translate({_num(x)},{_num(y)})">{swatch}')
        out.append(_text(34, 12, words, LABEL_SIZE, "#111827", "", anchor="start") + "</g>")
        x += item_w
    out.append("</g>")
    return out, y + row_h - MARGIN


def render_svg(
    nodes: Sequence[NodeView],
    edges: Sequence[tuple[int, int, EdgeView]],
    lay: Layout,
    *,
    title: str,
    note: str,
    prefix: str,
) -> str:
    """The chart as an ``<svg>`` element that scales to its container's width.

    Args:
        nodes: per node, in the order laid out.
        edges: (holder index, subject index, view) per edge, in the order laid out.
        lay: the layout of those nodes and edges.
        title: the accessible title of the chart.
        note: what was left out ('' for nothing), kept as the chart's description for screen readers.
        prefix: a prefix for the element ids, unique within the page the chart is embedded in.
    """
    p = prefix
    width = max(lay.width, 560.0)
    present = {
        "control": any(view.control_only for _, _, view in edges),
        "back": any(route.back for route in lay.routes),
        "hidden": any(n.hidden_owners for n in nodes),
        "focus": any(n.focus for n in nodes),
    }
    legend, legend_h = _legend(p, width, {kind for kind, found in present.items() if found})
    head = MARGIN + legend_h + 8
    if not nodes:
        head += 30
    height = head + lay.height
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" viewBox="0 0 {_num(width)} {_num(height)}" '
        f'width="100%" preserveAspectRatio="xMidYMin meet" role="img" aria-labelledby="{p}-title" '
        f'font-family="{xml_text(FONT)}" style="max-width:{_num(width)}px;height:auto;background:#ffffff">',
        f'<title id="{p}-title">{xml_text(title)}</title>',
    ]
    if note:
        out.append(f"<desc>{xml_text(note)}</desc>")
    out += _defs(p)
    out.append(f'<rect width="{_num(width)}" height="{_num(height)}" fill="#ffffff"/>')
    out += legend
    if not nodes:
        out.append(_text(MARGIN, head - 8, "no entities to show", NAME_SIZE, "#374151", "", anchor="start"))
    out.append(f'<g class="structure" transform="translate(0,{_num(head)})">')

    obstacles = [Rect(b.x - 2, b.y - 2, b.w + 4, b.h + 4) for b in lay.boxes]
    markers: list[str] = []
    for node, box in zip(nodes, lay.boxes, strict=True):
        if node.hidden_owners:
            words = f"+{node.hidden_owners:,} owner{'s' if node.hidden_owners > 1 else ''} not shown"
            w = text_width(words, MARKER_SIZE) + 12
            mx, my = box.x + 6, box.y - MARKER_SPACE + 2
            obstacles.append(Rect(mx, my, w, 15))
            markers.append(
                f'<g class="elided"><line x1="{_num(mx + 8)}" y1="{_num(my + 14)}" x2="{_num(mx + 8)}" '
                f'y2="{_num(box.y)}" stroke="#6b7280" stroke-dasharray="2 2"/>'
                f'<rect x="{_num(mx)}" y="{_num(my)}" width="{_num(w)}" height="14" rx="7" fill="#ffffff" '
                f'stroke="#6b7280" stroke-dasharray="3 2"/>'
                + _text(mx + 6, my + 10.5, words, MARKER_SIZE, "#374151", "", anchor="start")
                + "</g>"
            )

    views = [edges[route.edge][2] for route in lay.routes]
    sizes = [(text_width(view.label, LABEL_SIZE) + 8, LABEL_SIZE + 5) for view in views]
    labels = place_labels(lay.routes, sizes, obstacles)
    out.append('<g class="holdings" fill="none">')
    for route, view in zip(lay.routes, views, strict=True):
        color = BACK_EDGE if route.back else EDGE
        marker = f"{p}-back" if route.back else f"{p}-arrow"
        dash = ' stroke-dasharray="5 4"' if view.control_only else ""
        stroke_w = 1.1 + 1.6 * min(max(view.strength, 0.0), 1.0)
        kind = "holding" + (" back" if route.back else "") + (" control" if view.control_only else "")
        out.append(
            f'<path class="{kind}" data-holder="{xml_text(view.holder)}" data-subject="{xml_text(view.subject)}" '
            f'd="{_path(route)}" stroke="{color}" stroke-width="{stroke_w:.2f}"'
            f'{dash} marker-end="url(#{marker})"><title>{xml_text(view.tooltip)}</title></path>'
        )
    out.append("</g>")
    out.append('<g class="stakes">')
    for route, rect, view in zip(lay.routes, labels, views, strict=True):
        color = BACK_EDGE if route.back else "#111827"
        out.append(
            f"<g><title>{xml_text(view.tooltip)}</title>"
            f'<rect x="{_num(rect.x)}" y="{_num(rect.y)}" width="{_num(rect.w)}" height="{_num(rect.h)}" rx="3" '
            f'fill="#ffffff" fill-opacity="0.92"/>'
            + _text(rect.x + rect.w / 2, rect.y + rect.h - 4.5, view.label, LABEL_SIZE, color, "")
            + "</g>"
        )
    out.append("</g>")
    out.append('<g class="entities">')
    for node, box in zip(nodes, lay.boxes, strict=True):
        s = STYLES[node.status]
        out.append(
            f'<g class="entity status-{node.status.value}" data-entity="{xml_text(node.entity_id)}">'
            f"<title>{xml_text(node.tooltip)}</title>"
        )
        if node.focus:
            out.append(
                f'<rect x="{_num(box.x - 4)}" y="{_num(box.y - 4)}" width="{_num(box.w + 8)}" '
                f'height="{_num(box.h + 8)}" rx="10" ry="10" fill="none" stroke="#111827" stroke-width="2.5"/>'
            )
        out.append(_box(box.x, box.y, box.w, box.h, node.status, p))
        lines = wrap_name(node.name, box.w - 16)
        first_y = box.y + (19 if len(lines) == 2 else 25)
        for i, line in enumerate(lines):
            out.append(_text(box.cx, first_y + 15 * i, isolate(line), NAME_SIZE, s.text, s.halo, weight="600"))
        detail = fit_text(node.detail, DETAIL_SIZE, box.w - 14)
        out.append(_text(box.cx, box.y + BOX_H - 9, detail, DETAIL_SIZE, s.text, s.halo))
        out.append("</g>")
    out.append("</g>")
    out += markers
    out.append("</g></svg>")
    return "\n".join(out) + "\n"


__all__ = ["MARKER_SPACE", "STYLES", "EdgeView", "NodeView", "isolate", "render_svg", "wrap_name", "xml_text"]
