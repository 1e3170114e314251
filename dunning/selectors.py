"""Reads about policies."""
from .models import PolicyStep


def ladders_by_category() -> dict[str, dict[int, PolicyStep]]:
    """Every policy step of the current creditor, by category and step number."""
    ladders: dict[str, dict[int, PolicyStep]] = {}
    for step in PolicyStep.objects.select_related("policy"):
        ladders.setdefault(step.policy.category, {})[step.number] = step
    return ladders


def next_step_of(case, *, ladders) -> dict | None:
    """The step the case waits for and its date, or None (closed, on hold, or nothing planned)."""
    if not case.is_open or case.next_step_on is None:
        return None
    step = ladders.get(case.debtor.category, {}).get(case.next_step_number)
    if step is None:
        return None
    return {"action": step.action, "date": case.next_step_on}
