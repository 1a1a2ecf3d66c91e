"""Small inline SVG charts (no script, no external resource): every text goes through ``escape``.

Sizes are fixed numbers rounded to one decimal, so the same figures give the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 520
ROW = 22
BAR = 14
CHAR = 6.6
"""Approximate width of one character at the chart's 11px font, to size the label column."""


@dataclass(frozen=True)
class Series:
    key: str
    name: str
    colour: str


Row = tuple[str, Mapping[str, float | None]]
"""A row's label and its value per series key (None: not measurable)."""


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _legend(series: Sequence[Series], y: float) -> list[str]:
    out, x = [], 0.0
    for s in series:
        out.append(
            f'<rect x="{_num(x)}" y="{_num(y)}" width="10" height="10" rx="2" fill="{escape(s.colour)}"/>'
            f'<text x="{_num(x + 14)}" y="{_num(y + 9)}">{escape(s.name)}</text>'
        )
        x += 24 + CHAR * len(s.name)
    return out


def _svg(height: float, title: str, body: list[str]) -> Markup:
    return Markup(
        f'<svg class="chart" viewBox="0 0 {WIDTH} {_num(height)}" width="{WIDTH}" height="{_num(height)}" '
        f'role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def bars(
    title: str,
    rows: Sequence[Row],
    series: Sequence[Series],
    *,
    stacked: bool = True,
    scale_max: float | None = None,
    fmt: Callable[[float], str] = lambda v: f"{v:,.0f}",
) -> Markup:
    """Horizontal bars, one row per label: stacked series (counts) or grouped ones (scores)."""
    if not rows:
        return Markup("")
    label_w = min(240.0, 12 + CHAR * max(len(label) for label, _ in rows))
    plot_w = WIDTH - label_w - 60
    totals = [
        sum(v or 0 for v in values.values()) if stacked else max((v or 0 for v in values.values()), default=0)
        for _, values in rows
    ]
    top = scale_max or max(totals) or 1
    row_h = ROW if stacked else 6 + 12 * len(series)
    body: list[str] = []
    y = 4.0
    for (label, values), total in zip(rows, totals, strict=True):
        shown = label if len(label) * CHAR + 12 <= label_w else label[: int((label_w - 12) / CHAR) - 1] + "…"
        body.append(
            f'<text class="rl" x="{_num(label_w - 6)}" y="{_num(y + row_h / 2 + 4)}" text-anchor="end">'
            f"<title>{escape(label)}</title>{escape(shown)}</text>"
        )
        x = label_w
        sub_h = BAR if stacked else (row_h - 6) / len(series)
        for i, s in enumerate(series):
            value = values.get(s.key)
            by = y + (row_h - BAR) / 2 if stacked else y + 3 + i * sub_h
            tip = f"{label} · {s.name}: {'not measurable' if value is None else fmt(value)}"
            if value:
                w = plot_w * value / top
                bx = x if stacked else label_w
                body.append(
                    f'<rect x="{_num(bx)}" y="{_num(by)}" width="{_num(max(w, 1))}" height="{_num(sub_h - (0 if stacked else 1))}" '
                    f'fill="{escape(s.colour)}"><title>{escape(tip)}</title></rect>'
                )
                if stacked:
                    x += w
                else:
                    body.append(
                        f'<text class="v" x="{_num(label_w + w + 4)}" y="{_num(by + sub_h - 2)}">{escape(fmt(value))}</text>'
                    )
            elif not stacked:
                body.append(
                    f'<text class="v na" x="{_num(label_w + 4)}" y="{_num(by + sub_h - 2)}">'
                    f"{'n/a' if value is None else escape(fmt(value))}<title>{escape(tip)}</title></text>"
                )
        if stacked:
            body.append(
                f'<text class="v" x="{_num(x + 4)}" y="{_num(y + row_h / 2 + 4)}">{escape(fmt(total))}</text>'
            )
        y += row_h
    body += _legend(series, y + 6)
    y += 20
    return _svg(y + 4, title, body)


def columns(
    title: str, months: Sequence[str], values: Mapping[tuple[str, str], int], series: Sequence[Series]
) -> Markup:
    """Stacked columns per month (``YYYY-MM``) from the first to the last, empty months included."""
    if not months:
        return Markup("")
    first, last = months[0], months[-1]
    axis = []
    year, month = int(first[:4]), int(first[5:])
    while f"{year:04d}-{month:02d}" <= last:
        axis.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    height, left, bottom = 150.0, 34.0, 30.0
    plot_w = WIDTH - left - 8
    step = plot_w / len(axis)
    year_every = next(k for k in (1, 2, 5, 10, 20, 50, 100, 1000) if 12 * k * step >= 40)
    totals = [sum(values.get((s.key, m), 0) for s in series) for m in axis]
    top = max(totals) or 1
    body = [
        f'<line x1="{_num(left)}" y1="{_num(height)}" x2="{WIDTH - 8}" y2="{_num(height)}" class="axis"/>',
        f'<text class="v" x="{_num(left - 4)}" y="14" text-anchor="end">{top:,}</text>',
        f'<text class="v" x="{_num(left - 4)}" y="{_num(height)}" text-anchor="end">0</text>',
    ]
    for i, (m, total) in enumerate(zip(axis, totals, strict=True)):
        x, y = left + i * step, height
        parts = ", ".join(f"{s.name} {values.get((s.key, m), 0):,}" for s in series)
        for s in series:
            v = values.get((s.key, m), 0)
            if v:
                h = (height - 10) * v / top
                y -= h
                body.append(
                    f'<rect x="{_num(x + step * 0.1)}" y="{_num(y)}" width="{_num(max(step * 0.8, 1))}" '
                    f'height="{_num(h)}" fill="{escape(s.colour)}"><title>{escape(f"{m}: {total:,} documents ({parts})")}</title></rect>'
                )
        if len(axis) <= 12 or (m.endswith("-01") and int(m[:4]) % year_every == 0):
            label = m if len(axis) <= 12 else m[:4]
            body.append(
                f'<text class="v" x="{_num(x + step / 2)}" y="{_num(height + 13)}" text-anchor="middle">{label}</text>'
            )
    body += _legend(series, height + 18)
    return _svg(height + bottom + 4, title, body)
