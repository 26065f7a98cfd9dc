"""Charts drawn on the server as inline SVG: no script, no CDN, readable offline, on a phone and on paper.

Colours come from the stylesheet's classes (bar, floor, axis), so the print stylesheet can change them.
"""

from __future__ import annotations

from typing import Optional, Sequence

from markupsafe import Markup, escape

# Small enough a viewBox that its 13 px text stays readable when a phone scales the chart to its width.
WIDTH = 480
ROW = 24
LABEL_WIDTH = 190


def _number(value: float) -> str:
    """As the tables write it: whole counts plainly, anything else with one decimal and a decimal comma."""
    return str(int(value)) if isinstance(value, int) else f"{value:.1f}".replace(".", ",")


def bars(
    rows: Sequence[tuple[str, float]],
    *,
    title: str,
    unit: str = "",
    scale_max: Optional[float] = None,
    floor: Optional[float] = None,
) -> Markup:
    """Horizontal bars, one per row, the value written after each; `floor` draws a marked vertical line."""
    if not rows:
        return Markup('<p class="empty">Belum ada data.</p>')
    top = scale_max or max(value for _, value in rows) or 1
    plot = WIDTH - LABEL_WIDTH - 56
    height = ROW * len(rows) + (18 if floor is not None else 4)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
    ]
    for index, (label, value) in enumerate(rows):
        y = index * ROW + 4
        width = max(0.0, plot * value / top)
        short = label if len(label) <= 23 else label[:22] + "…"  # fits LABEL_WIDTH at 13 px
        parts.append(
            f'<text class="label" x="{LABEL_WIDTH - 6}" y="{y + 15}" text-anchor="end">{escape(short)}</text>'
            f'<rect class="bar" x="{LABEL_WIDTH}" y="{y}" width="{width:.1f}" height="{ROW - 8}"/>'
            f'<text class="value" x="{LABEL_WIDTH + width + 4:.1f}" y="{y + 15}">'
            f"{_number(value)}{escape(unit)}</text>"
        )
    if floor is not None:
        x = LABEL_WIDTH + plot * floor / top
        parts.append(
            f'<line class="floor" x1="{x:.1f}" x2="{x:.1f}" y1="0" y2="{height - 14}"/>'
            f'<text class="floor-label" x="{x:.1f}" y="{height - 2}" text-anchor="middle">'
            f"batas {_number(floor)}{escape(unit)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def columns(rows: Sequence[tuple[str, int]], *, title: str) -> Markup:
    """Vertical columns over time (reports per day or week); the first and last labels are written."""
    if not rows:
        return Markup('<p class="empty">Belum ada data.</p>')
    height, base = 180, 150
    top = max(value for _, value in rows) or 1
    step = WIDTH / len(rows)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
        f'<line class="axis" x1="0" x2="{WIDTH}" y1="{base}" y2="{base}"/>'
        f'<text class="value" x="2" y="12">maks. {top}</text>'
    ]
    for index, (label, value) in enumerate(rows):
        bar = (base - 20) * value / top
        parts.append(
            f'<rect class="bar" x="{index * step + step * 0.1:.1f}" y="{base - bar:.1f}" '
            f'width="{step * 0.8:.1f}" height="{bar:.1f}"><title>{escape(label)}: {value}</title></rect>'
        )
    parts.append(
        f'<text class="label" x="0" y="{height - 8}">{escape(rows[0][0])}</text>'
        f'<text class="label" x="{WIDTH}" y="{height - 8}" text-anchor="end">{escape(rows[-1][0])}</text>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))
