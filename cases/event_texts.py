"""The timeline's sentences for the codes `cases` writes (registered in `CasesConfig.ready`).

The Swedish labels are the models' choices; the English ones are here, the only place
that shows a stage in English.
"""
from .stages import ClosedReason, HoldReason, Stage
from .timeline import format_amount, register, render

CASE_OPENED = "cases.case.opened"
NOTE_ADDED = "cases.note.added"
STAGE_CHANGED = "cases.stage.changed"

STAGE_EN = {Stage.REMINDER: "Reminder", Stage.COLLECTION: "Collection", Stage.LEGAL: "Legal",
            Stage.ON_HOLD: "On hold", Stage.CLOSED: "Closed"}
CLOSED_REASON_EN = {ClosedReason.PAID: "paid", ClosedReason.WITHDRAWN: "withdrawn",
                    ClosedReason.CREDITED: "credited", ClosedReason.WRITTEN_OFF: "written off"}
HOLD_REASON_EN = {HoldReason.DISPUTE: "disputed", HoldReason.PROMISE: "promise to pay",
                  HoldReason.PAYMENT_PLAN: "payment plan", HoldReason.PAUSED: "paused by the creditor"}


def _stage_changed(language: str):
    """`Påminnelse → Avslutat (Betalt)`, or the sentence of the `why` its writer named."""
    def text(data: dict) -> str:
        if data.get("why"):
            return render(data["why"], data, language)
        source, to, reason = Stage(data["from"]), Stage(data["to"]), data.get("reason") or ""
        # `reason` says why a case closed or waits; moving up the ladder, it is the step's action.
        if language == "en":
            label = {Stage.CLOSED: CLOSED_REASON_EN, Stage.ON_HOLD: HOLD_REASON_EN}.get(to, {}).get(reason, "")
            return f"{STAGE_EN[source]} → {STAGE_EN[to]}" + (f" ({label})" if label else "")
        label = ""
        if to == Stage.CLOSED and reason:
            label = ClosedReason(reason).label
        elif to == Stage.ON_HOLD and reason:
            label = HoldReason(reason).label
        return f"{source.label} → {to.label}" + (f" ({label})" if label else "")
    return text


register(CASE_OPENED,
         sv=lambda d: f"Ärende öppnat för faktura {d['invoice']}, {format_amount(d['principal'])} {d['currency']}",
         en=lambda d: f"Case opened for invoice {d['invoice']}, {d['currency']} {format_amount(d['principal'], 'en')}")
register(STAGE_CHANGED, sv=_stage_changed("sv"), en=_stage_changed("en"))
register(NOTE_ADDED, sv="Anteckning: {note}", en="Note: {note}")
