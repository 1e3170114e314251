"""Reads about policies and the legal rule pack, which cases wait for an agent, and a
dispute's documents. The tenant scope is active: another creditor's is not found."""
from django.db.models import QuerySet

from core.errors import NotFound

from .models import DisputeDocument, Policy, PolicyStep, QueueItem


def next_step_of(case) -> dict | None:
    """The step the case waits for and its date, or None (closed, on hold, or nothing planned)."""
    if not case.is_open or case.next_step_on is None or not case.next_action:
        return None
    return {"action": case.next_action, "date": case.next_step_on}


def ladders_by_category() -> dict[str, list[PolicyStep]]:
    """The current creditor's policy steps, by category, in order."""
    ladders: dict[str, list[PolicyStep]] = {}
    for step in PolicyStep.objects.select_related("policy").order_by("policy__category", "number"):
        ladders.setdefault(step.policy.category, []).append(step)
    return ladders


def policies() -> list[Policy]:
    return list(Policy.objects.prefetch_related("steps").order_by("category"))


def cases_waiting(kind: str) -> QuerySet:
    """The ids of the current creditor's cases with an open work item of `kind` (a subquery)."""
    return QueueItem.objects.filter(kind=kind, outcome="").values("case_id")


def case_documents(case) -> QuerySet[DisputeDocument]:
    """The documents kept with the case's (a case or its id) disputes, the oldest first."""
    return DisputeDocument.objects.filter(case=case).order_by("uploaded_at", "id")


def case_document(case, document_id) -> DisputeDocument:
    """One document of the case; NotFound for any other (another case's, another creditor's)."""
    document = case_documents(case).filter(pk=document_id).first()
    if document is None:
        raise NotFound("No such document of this case.")
    return document
