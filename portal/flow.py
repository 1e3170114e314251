"""The PS method as a picture: each category's ladder, from the due date to a closed case,
drawn by the server as one SVG with the three categories side by side.

Each step is a box saying what it does, when (days after the due date or after the step
before's deadline), the term it gives and the fee it charges; the arrows run down to
"Avslutat". The drawing carries a `<title>` and a `<desc>` that say the same in words,
for a screen reader; the text is escaped (a policy's numbers are the creditor's input).
"""
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.utils.translation import gettext, ngettext

from core.money import format_sek
from debtors.models import Category
from dunning.models import Anchor
from law.actions import Action

COLUMN, GAP, BOX_HEIGHT, STEP = 250, 26, 58, 84
TOP, LEFT = 56, 10
COLOURS = {Category.RISK: "#c2412d", Category.NORMAL: "#0b5cad", Category.VIP: "#7b4bb7"}


@dataclass(frozen=True)
class Box:
    title: str
    when: str
    detail: str


def step_boxes(steps) -> list[Box]:
    """The ladder's steps as boxes: `steps` are PolicySteps (or anything with their fields), in order."""
    boxes = []
    for step in steps:
        if step.anchor == Anchor.DUE_DATE:
            when = gettext("dag %(day)s efter förfallodagen") % {"day": step.offset_days}
        elif step.offset_days == 0:
            when = gettext("samma dag som förra fristen gått ut")
        else:
            when = ngettext("%(counter)s dag efter förra fristen", "%(counter)s dagar efter förra fristen",
                            step.offset_days) % {"counter": step.offset_days}
        parts = []
        if step.term_days:
            parts.append(ngettext("%(counter)s dags frist", "%(counter)s dagars frist", step.term_days)
                         % {"counter": step.term_days})
        if step.fee_amount:
            parts.append(gettext("avgift %(amount)s kr") % {"amount": format_sek(step.fee_amount)})
        if step.requires_approval:
            parts.append(gettext("handläggare godkänner"))
        if step.action == Action.PHONE_CALL:
            parts.append(ngettext("%(counter)s försök", "%(counter)s försök", 1 + step.call_retries)
                         % {"counter": 1 + step.call_retries})
        boxes.append(Box(Action(step.action).label, when, ", ".join(parts) or gettext("ingen avgift")))
    return boxes


def ladders_svg(ladders: dict[str, list]) -> str:
    """The three categories' ladders side by side: category → its steps, in order."""
    columns = [(category, step_boxes(ladders.get(category, []))) for category in Category.values]
    tallest = max(len(boxes) for _, boxes in columns) + 2  # the due date and "Avslutat" around the steps
    width = LEFT * 2 + len(columns) * COLUMN + (len(columns) - 1) * GAP
    height = TOP + tallest * STEP
    words = []
    title = gettext("Trappan för risk, normal och VIP, från förfallodag till avslutat ärende")
    no_steps = gettext("inga steg")
    parts = [f'<svg class="chart flow" role="img" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" '
             f'aria-labelledby="flow-title flow-desc">',
             f'<title id="flow-title">{escape(title)}</title>',
             "<defs><marker id='arrow' viewBox='0 0 10 10' refX='9' refY='5' markerWidth='7' markerHeight='7' "
             "orient='auto'><path d='M0,0 L10,5 L0,10 z' fill='#6b7785'/></marker></defs>"]
    for index, (category, boxes) in enumerate(columns):
        x = LEFT + index * (COLUMN + GAP)
        colour = COLOURS[category]
        label = Category(category).label
        parts.append(f'<text x="{x + COLUMN / 2}" y="24" text-anchor="middle" class="flow-head" '
                     f'fill="{colour}">{escape(label)}</text>')
        chain = [Box(gettext("Förfallodag"), gettext("fakturan obetald"), ""), *boxes,
                 Box(gettext("Avslutat"), gettext("betalt, krediterat eller återkallat"), "")]
        for row, box in enumerate(chain):
            y = TOP + row * STEP
            edge = colour if 0 < row < len(chain) - 1 else "#6b7785"
            parts.append(f'<rect x="{x}" y="{y}" width="{COLUMN}" height="{BOX_HEIGHT}" rx="8" fill="#fff" '
                         f'stroke="{edge}" stroke-width="1.5"/>')
            parts.append(f'<text x="{x + 10}" y="{y + 18}" class="flow-title">{escape(box.title)}</text>')
            parts.append(f'<text x="{x + 10}" y="{y + 34}">{escape(box.when)}</text>')
            if box.detail:
                parts.append(f'<text x="{x + 10}" y="{y + 49}">{escape(box.detail)}</text>')
            if row < len(chain) - 1:
                parts.append(f'<line x1="{x + COLUMN / 2}" y1="{y + BOX_HEIGHT}" x2="{x + COLUMN / 2}" '
                             f'y2="{y + STEP - 2}" stroke="#6b7785" marker-end="url(#arrow)"/>')
        steps = "; ".join(f"{n}. {box.title}, {box.when}" + (f", {box.detail}" if box.detail else "")
                          for n, box in enumerate(boxes, start=1))
        words.append(f"{label}: {steps or no_steps}.")
    parts.insert(2, f'<desc id="flow-desc">{escape(" ".join(words))}</desc>')
    parts.append("</svg>")
    return "".join(parts)
