"""The geometric half of the structure chart's layout: where each box and line goes.

Rows and the order within them come from ``order``. Horizontal positions then pull each box towards its
neighbours' mean with boxes kept apart exactly (a weighted isotonic regression per row, pool adjacent
violators), lines through several rows weighted more so they stay straight (Gansner et al. 1993). Lines are
S-curves between rows, vertical through the rows they pass, and arrive at ports spread along a box's edge in the
order they come from. Labels go near the subject end of a line, where they avoid boxes and other labels.

Coordinates are SVG user units (pixels at 100%), y grows downwards.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ownership.reports.chart.order import assign_layers, cycle_edges, neighbours, proper_graph, reduce_crossings

BOX_W = 172.0
BOX_H = 60.0
LAYER_GAP = 84.0
NODE_GAP = 24.0
SLOT_W = 10.0
SLOT_GAP = 10.0
_PLACEMENT_ROUNDS = 16

Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Edge:
    """A holding to lay out: node indices and the most the holder may hold (fraction, for the search order)."""

    holder: int
    subject: int
    weight: float = 0.0


@dataclass(frozen=True, slots=True)
class Box:
    """A node's box: top-left corner, size, and its layer (0 at the top)."""

    x: float
    y: float
    w: float
    h: float
    layer: int

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    def overlaps(self, other: Box | Rect, pad: float = 0.0) -> bool:
        return (
            self.x - pad < other.x + other.w
            and other.x < self.x + self.w + pad
            and self.y - pad < other.y + other.h
            and other.y < self.y + self.h + pad
        )


@dataclass(frozen=True, slots=True)
class Rect:
    """An axis-aligned rectangle (label backgrounds, markers)."""

    x: float
    y: float
    w: float
    h: float

    def overlap_area(self, other: Rect | Box) -> float:
        dx = min(self.x + self.w, other.x + other.w) - max(self.x, other.x)
        dy = min(self.y + self.h, other.y + other.h) - max(self.y, other.y)
        return dx * dy if dx > 0 and dy > 0 else 0.0


@dataclass(frozen=True, slots=True)
class Route:
    """How one edge is drawn: from the holder's port to the subject's port.

    ``points`` alternate between gaps between layers (drawn as S-curves: even index to the next) and the
    vertical passes through the layers the edge crosses (straight: odd index to the next). ``back`` marks a
    holding that closes a cycle, drawn upward against the layering.
    """

    edge: int
    points: tuple[Point, ...]
    back: bool


@dataclass(frozen=True)
class Layout:
    """Boxes per node (in the order given), a route per edge (in the order given), and the drawing's size."""

    boxes: tuple[Box, ...]
    routes: tuple[Route, ...]
    width: float
    height: float
    layers: int


def layout(count: int, edges: Sequence[Edge], top: float = 0.0, margin: float = 24.0) -> Layout:
    """Lay out ``count`` nodes (indices 0..count-1, in their preferred order) and the holdings between them.

    Args:
        count: number of nodes; ties are broken by index, so the input order decides them.
        edges: holder -> subject pairs; self-loops are ignored, and at most one edge per ordered pair is expected.
        top: space to leave above the first layer (for markers above the boxes).
        margin: space around the drawing.

    Returns:
        The boxes and routes, in SVG user units.
    """
    edges = list(edges)
    live = [k for k, e in enumerate(edges) if e.holder != e.subject]
    back = cycle_edges(count, edges, live)
    # Layering orientation: upper -> lower.
    oriented = {
        k: (edges[k].subject, edges[k].holder) if k in back else (edges[k].holder, edges[k].subject) for k in live
    }
    layer = assign_layers(count, list(oriented.values()))
    order, chains = proper_graph(count, layer, oriented)
    reduce_crossings(order, chains)
    xs = _positions(order, count, chains)
    depth = max(layer, default=-1) + 1
    ys = [margin + top + k * (BOX_H + LAYER_GAP) for k in range(max(depth, 1))]

    left = min((xs[v] - _width(v, count) / 2 for row in order for v in row), default=0.0)
    shift = margin - left
    boxes = tuple(Box(xs[v] + shift - BOX_W / 2, ys[layer[v]], BOX_W, BOX_H, layer[v]) for v in range(count))
    slot_x = {v: xs[v] + shift for v in xs if v >= count}
    routes = _routes(live, back, chains, boxes, slot_x, ys)
    right = max((xs[v] + shift + _width(v, count) / 2 for row in order for v in row), default=margin)
    width = right + margin
    height = (ys[depth - 1] + BOX_H if depth else margin + top) + margin
    return Layout(boxes=boxes, routes=routes, width=width, height=height, layers=depth)


def _width(v: int, count: int) -> float:
    return BOX_W if v < count else SLOT_W


def _gap(a: int, b: int, count: int) -> float:
    return NODE_GAP if a < count and b < count else SLOT_GAP


def _isotonic(targets: list[float], weights: list[float]) -> list[float]:
    """Weighted least-squares non-decreasing fit (pool adjacent violators)."""
    blocks: list[list[float]] = []  # [mean, weight, size]
    for t, w in zip(targets, weights, strict=True):
        blocks.append([t, w, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m2, w2, n2 = blocks.pop()
            m1, w1, n1 = blocks.pop()
            blocks.append([(m1 * w1 + m2 * w2) / (w1 + w2), w1 + w2, n1 + n2])
    fitted: list[float] = []
    for mean, _, size in blocks:
        fitted += [mean] * int(size)
    return fitted


def _positions(order: list[list[int]], count: int, chains: dict[int, list[int]]) -> dict[int, float]:
    """Horizontal centres: boxes pulled to their neighbours' weighted mean, kept apart, long edges straight."""
    up, down = neighbours(order, chains)
    xs: dict[int, float] = {}
    for row in order:
        x = 0.0
        for i, v in enumerate(row):
            if i:
                x += (_width(row[i - 1], count) + _width(v, count)) / 2 + _gap(row[i - 1], v, count)
            xs[v] = x

    def pull(v: int, w: int) -> float:
        # Gansner et al.: straight long edges matter more than short ones.
        slots = (v >= count) + (w >= count)
        return (1.0, 2.0, 8.0)[slots]

    for round_ in range(_PLACEMENT_ROUNDS):
        phase = round_ % 3  # down, up, both
        rows = list(range(len(order))) if phase != 1 else list(range(len(order) - 1, -1, -1))
        for k in rows:
            row = order[k]
            offsets, x = [], 0.0
            for i, v in enumerate(row):
                if i:
                    x += (_width(row[i - 1], count) + _width(v, count)) / 2 + _gap(row[i - 1], v, count)
                offsets.append(x)
            targets, weights = [], []
            for v, offset in zip(row, offsets, strict=True):
                near = up[v] if phase == 0 else down[v] if phase == 1 else up[v] + down[v]
                total = sum(pull(v, w) for w in near)
                desired = sum(pull(v, w) * xs[w] for w in near) / total if total else xs[v]
                targets.append(desired - offset)
                weights.append(total if total else 0.25)
            fitted = _isotonic(targets, weights)
            for v, y, offset in zip(row, fitted, offsets, strict=True):
                xs[v] = y + offset
    return xs


def _routes(
    live: list[int],
    back: set[int],
    chains: dict[int, list[int]],
    boxes: tuple[Box, ...],
    slot_x: dict[int, float],
    ys: list[float],
) -> tuple[Route, ...]:
    """Each edge's points, with the ports on a box spread along its edge in the order the lines arrive."""
    count = len(boxes)

    def centre(v: int) -> float:
        return boxes[v].cx if v < count else slot_x[v]

    bottom: dict[int, list[int]] = {}
    top: dict[int, list[int]] = {}
    for k in live:
        chain = chains[k]
        bottom.setdefault(chain[0], []).append(k)
        top.setdefault(chain[-1], []).append(k)
    bottom_port: dict[int, float] = {}
    top_port: dict[int, float] = {}
    for v, ks in bottom.items():
        ks.sort(key=lambda k: (centre(chains[k][1]), centre(chains[k][-1]), k))
        for k, x in zip(ks, _spread(boxes[v], len(ks)), strict=True):
            bottom_port[k] = x
    for v, ks in top.items():
        ks.sort(key=lambda k: (centre(chains[k][-2]), centre(chains[k][0]), k))
        for k, x in zip(ks, _spread(boxes[v], len(ks)), strict=True):
            top_port[k] = x

    routes = []
    for k in live:
        chain = chains[k]
        upper, lower = chain[0], chain[-1]
        points: list[Point] = [(bottom_port[k], boxes[upper].y + boxes[upper].h)]
        for slot in chain[1:-1]:
            lay = boxes[upper].layer + len(points) // 2 + 1
            points += [(slot_x[slot], ys[lay]), (slot_x[slot], ys[lay] + BOX_H)]
        points.append((top_port[k], boxes[lower].y))
        is_back = k in back
        routes.append(Route(edge=k, points=tuple(reversed(points)) if is_back else tuple(points), back=is_back))
    return tuple(routes)


def _spread(box: Box, n: int) -> list[float]:
    """Port positions along a box's edge for ``n`` lines, centred, at most 18 units apart."""
    if n == 1:
        return [box.cx]
    span = box.w - 28.0
    step = min(18.0, span / (n - 1))
    first = box.cx - step * (n - 1) / 2
    return [first + step * i for i in range(n)]


def bezier(p0: Point, p1: Point, t: float) -> Point:
    """The point at ``t`` on the S-curve drawn between two layers (vertical tangents at both ends)."""
    mid = (p0[1] + p1[1]) / 2
    c1, c2 = (p0[0], mid), (p1[0], mid)
    s = 1 - t
    x = s**3 * p0[0] + 3 * s * s * t * c1[0] + 3 * s * t * t * c2[0] + t**3 * p1[0]
    y = s**3 * p0[1] + 3 * s * s * t * c1[1] + 3 * s * t * t * c2[1] + t**3 * p1[1]
    return (x, y)


def place_labels(routes: Sequence[Route], sizes: Sequence[tuple[float, float]], obstacles: list[Rect]) -> list[Rect]:
    """A position for each route's label near its subject end, avoiding boxes and labels placed before.

    ``sizes`` are (width, height) per route; ``obstacles`` (boxes, markers) are extended with the labels placed.
    Returns the label rectangles, one per route.
    """
    placed: list[Rect] = []
    for route, (w, h) in zip(routes, sizes, strict=True):
        gaps = [(route.points[i], route.points[i + 1]) for i in range(len(route.points) - 2, -1, -2)]
        best: tuple[float, Rect] | None = None
        for p0, p1 in gaps:
            for t in (0.5, 0.66, 0.34, 0.8, 0.2):
                x, y = bezier(p0, p1, t)
                rect = Rect(x - w / 2, y - h / 2, w, h)
                cost = sum(rect.overlap_area(o) for o in obstacles)
                if best is None or cost < best[0] - 1e-9:
                    best = (cost, rect)
                if cost == 0:
                    break
            if best is not None and best[0] == 0:
                break
        assert best is not None
        placed.append(best[1])
        obstacles.append(best[1])
    return placed


_NARROW = frozenset(" !'(),./:;I[]fijlrt|·")
_WIDE = frozenset("@MWmw—")


def text_width(text: str, size: float) -> float:
    """An estimate of the rendered width of ``text`` at font size ``size`` in a semi-bold sans-serif, erring wide
    (it fits DejaVu Sans, the widest common fallback): wide (CJK) characters count a full em, combining marks and
    format controls nothing."""
    import unicodedata

    total = 0.0
    for ch in text:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        if unicodedata.east_asian_width(ch) in ("W", "F"):
            total += 1.0
        elif ch in _NARROW:
            total += 0.36
        elif ch in _WIDE:
            total += 0.95
        elif ch.isupper():
            total += 0.74
        elif ch.isalnum():
            total += 0.64
        else:
            total += 0.84  # symbols such as < > & = + are wide in most fonts
    return total * size


def fit_text(text: str, size: float, width: float) -> str:
    """``text`` cut with an ellipsis to fit ``width`` at font size ``size`` (never splitting a combining mark off)."""
    if text_width(text, size) <= width:
        return text
    import unicodedata

    budget = width - text_width("…", size)
    cut = 0
    for i in range(len(text) + 1):
        if text_width(text[:i], size) > budget:
            break
        cut = i
    while 0 < cut < len(text) and unicodedata.combining(text[cut]):
        cut -= 1
    return text[:cut].rstrip() + "…"


__all__ = [
    "BOX_H",
    "BOX_W",
    "Box",
    "Edge",
    "Layout",
    "Rect",
    "Route",
    "bezier",
    "fit_text",
    "layout",
    "place_labels",
    "text_width",
]
