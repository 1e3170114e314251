"""The timeline's sentence for the code classification writes (registered in
`ClassificationConfig.ready`): a debtor's category changed, with the reasons, each in
the reader's language (`classification.texts`)."""
from cases.timeline import register

from .texts import CATEGORY, reasons_text

CATEGORY_CHANGED = "classification.category.changed"

register(CATEGORY_CHANGED,
         sv=lambda d: f"Kategori {d['from']} → {d['to']}: " + "; ".join(reasons_text(d["reasons"], "sv")),
         en=lambda d: (f"Category {CATEGORY['en'][d['from']]} → {CATEGORY['en'][d['to']]}: "
                       + "; ".join(reasons_text(d["reasons"], "en"))))
