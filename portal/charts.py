"""The overview's charts, drawn by the server as inline SVG: no chart library, no JavaScript.

Each chart is an accessible image: `role="img"`, a `<title>` and a `<desc>` that reads out
every figure, and each bar's own `<title>` (a tooltip on hover). The page shows the same
figures in a table beside it, for those who want the öre. Colours come from classes
(`static/css/fordra.css`, "Overview"), so the charts follow the page's palette.

Coordinates are floats: they are pixels, not money. Amounts arrive as `Decimal` and are
printed with `core.money.format_sek`.
"""
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from core.money import format_sek
from debtors.models import Category

# The drawing's own units; the SVG scales to its box's width, so the text scales with it:
# 400 wide keeps 11-unit text readable both at a phone's 360 px and a desktop column's 560.
WIDTH, HEIGHT = 400, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 6, 12, 26
PLOT_WIDTH, PLOT_HEIGHT = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
TICKS = 4


@dataclass(frozen=True)
class Bar:
    label: str  # under the bar: "jan"
    value: Decimal
    text: str  # read out and shown on hover: "januari 2026: 12 345,00 kr"
    css: str = ""  # an extra class: "current"


@dataclass(frozen=True)
class Group:
    """Bars side by side under one label, one per series; None draws no bar ("–")."""

    label: str
    values: Sequence[Decimal | None]
    text: str


def kronor_tick(value: Decimal) -> str:
    """An axis label in Swedish short form: `500 kr`, `25 tkr`, `1,5 mkr`."""
    for size, unit in ((Decimal(1_000_000), "mkr"), (Decimal(1_000), "tkr")):
        if value >= size:
            return f"{_short(value / size)}\u00a0{unit}"
    return f"{_short(value)}\u00a0kr"


def percent_number(share: Decimal) -> str:
    """A share as whole percent without the sign, for a bar's label on a percent axis: `67`."""
    return f"{(share * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)}"


def format_percent(share: Decimal | None) -> str:
    """A share (0–1) as a whole percent, `67 %`; None (nothing to measure) as `–`."""
    if share is None:
        return "–"
    return f"{percent_number(share)}\u00a0%"


def money_text(amount: Decimal) -> str:
    """`1 234,50 kr`, as the page's `sek` filter writes it."""
    return f"{format_sek(amount)}\u00a0kr"


def _short(value: Decimal) -> str:
    """At most one decimal, and none when it is 0: `25`, `2,5`."""
    return f"{value.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP).normalize():f}".replace(".", ",")


def nice_step(largest: Decimal, ticks: int = TICKS) -> Decimal:
    """The step of a round axis (1, 2, 2,5 or 5 times a power of ten) that reaches `largest` in `ticks`."""
    if largest <= 0:
        return Decimal(1)
    raw = largest / ticks
    power = Decimal(10) ** math.floor(math.log10(raw))
    for factor in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10)):
        if factor * power >= raw:
            return factor * power
    return 10 * power  # pragma: no cover (the loop always ends at 10)


def bar_chart(bars: Sequence[Bar], *, chart_id: str, title: str,
              tick: Callable[[Decimal], str] = kronor_tick) -> SafeString:
    """One bar per figure (a month's payments), on an axis from zero."""
    step = nice_step(max((bar.value for bar in bars), default=Decimal(0)))
    top = step * TICKS
    slot = PLOT_WIDTH / max(len(bars), 1)
    shapes = []
    for i, bar in enumerate(bars):
        height = _y_height(bar.value, top)
        x = LEFT + i * slot + slot * 0.15
        shapes.append(format_html(
            '<rect class="bar {}" x="{}" y="{}" width="{}" height="{}"><title>{}</title></rect>'
            '<text class="x-label" x="{}" y="{}" text-anchor="middle">{}</text>',
            bar.css, _n(x), _n(TOP + PLOT_HEIGHT - height), _n(slot * 0.7), _n(height), bar.text,
            _n(LEFT + (i + 0.5) * slot), HEIGHT - 8, bar.label))
    return _svg(chart_id, title, "; ".join(bar.text for bar in bars), _axis(step, tick), shapes)


def grouped_bar_chart(groups: Sequence[Group], *, series_css: Sequence[str], chart_id: str, title: str,
                      top: Decimal = Decimal(1), tick: Callable[[Decimal], str] = format_percent,
                      value_label: Callable[[Decimal], str] = percent_number) -> SafeString:
    """Bars per group (a quarter), one per series (a category), each labelled with its value,
    on an axis from zero to `top` (100 % by default)."""
    step = top / TICKS
    slot = PLOT_WIDTH / max(len(groups), 1)
    width = slot * 0.88 / max(len(series_css), 1)
    shapes = []
    for i, group in enumerate(groups):
        left = LEFT + i * slot + slot * 0.06
        for j, (value, css) in enumerate(zip(group.values, series_css, strict=True)):
            centre = left + (j + 0.5) * width
            if value is None:
                shapes.append(format_html('<text class="value none" x="{}" y="{}" text-anchor="middle">–</text>',
                                          _n(centre), _n(TOP + PLOT_HEIGHT - 3)))
                continue
            height = _y_height(value, top)
            y = TOP + PLOT_HEIGHT - height
            shapes.append(format_html(
                '<rect class="bar {}" x="{}" y="{}" width="{}" height="{}"><title>{}</title></rect>'
                '<text class="value" x="{}" y="{}" text-anchor="middle">{}</text>',
                css, _n(left + j * width + 1), _n(y), _n(width - 2), _n(height), group.text,
                _n(centre), _n(max(y - 3, TOP - 2)), value_label(value)))
        shapes.append(format_html('<text class="x-label" x="{}" y="{}" text-anchor="middle">{}</text>',
                                  _n(LEFT + (i + 0.5) * slot), HEIGHT - 8, group.label))
    return _svg(chart_id, title, "; ".join(group.text for group in groups), _axis(step, tick), shapes)


def _y_height(value: Decimal, top: Decimal) -> float:
    if top <= 0 or value <= 0:
        return 0.0
    return float(min(value, top) / top) * PLOT_HEIGHT


def _axis(step: Decimal, tick: Callable[[Decimal], str]) -> list[SafeString]:
    lines = []
    for i in range(TICKS + 1):
        y = TOP + PLOT_HEIGHT - PLOT_HEIGHT * i / TICKS
        lines.append(format_html(
            '<line class="{}" x1="{}" x2="{}" y1="{}" y2="{}"></line>'
            '<text class="y-label" x="{}" y="{}" text-anchor="end">{}</text>',
            "baseline" if i == 0 else "gridline", LEFT, WIDTH - RIGHT, _n(y), _n(y), LEFT - 5, _n(y + 4),
            tick(step * i)))
    return lines


def _svg(chart_id: str, title: str, description: str, axis, shapes) -> SafeString:
    body = format_html_join("", "{}", ((part,) for part in (*axis, *shapes)))
    return format_html(
        '<svg class="chart" id="{id}" viewBox="0 0 {w} {h}" role="img" aria-labelledby="{id}-title {id}-desc" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
        '{body}</svg>',
        id=chart_id, w=WIDTH, h=HEIGHT, title=title, desc=description, body=body)


def _n(value: float) -> str:
    """A coordinate, short: `12.5`, `40`."""
    return f"{value:.1f}".removesuffix(".0")

def recovered_chart(months) -> SafeString:
    """Payments per month (`portal.overview.Month`, oldest first); the current month, still
    running, in a lighter shade."""
    bars = []
    for i, month in enumerate(months):
        current = i == len(months) - 1
        text = f"{month.name}: {money_text(month.recovered)}"
        if current:
            text = " ".join((text, gettext("(hittills)")))
        bars.append(Bar(label=month.label, value=month.recovered, text=text, css="current" if current else ""))
    title = gettext("Inbetalt per månad, de senaste %(months)s månaderna") % {"months": len(months)}
    return bar_chart(bars, chart_id="recovered-chart", title=title)


def recovery_chart(quarters) -> SafeString:
    """The recovery rate per quarter (`portal.overview.Quarter`) and debtor category, side by side."""
    groups = []
    for i, quarter in enumerate(quarters):
        parts = ", ".join(gettext("%(category)s %(percent)s (%(paid)s av %(closed)s betalda)")
                          % {"category": label, "percent": format_percent(r.rate), "paid": r.paid, "closed": r.closed}
                          for label, r in zip(Category.labels, quarter.by_category, strict=True))
        so_far = " " + gettext("(hittills)") if i == len(quarters) - 1 else ""
        groups.append(Group(label=quarter.label, values=[r.rate for r in quarter.by_category],
                            text=f"{quarter.label}{so_far}: {parts}"))
    return grouped_bar_chart(groups, series_css=[f"series-{category}" for category in Category.values],
                             chart_id="recovery-chart",
                             title=gettext("Andel av avslutade ärenden som avslutades som betalda, per kvartal och "
                                           "kategori"))


def overview_charts(overview) -> dict[str, SafeString]:
    """The overview page's charts (`portal.selectors.Overview`)."""
    return {"recovered": recovered_chart(overview.recovered), "recovery": recovery_chart(overview.recovery)}
