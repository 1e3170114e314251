"""A credit bureau as Fordra sees it: ask about identity numbers, get reports back.

A real bureau (UC, Creditsafe, Bisnode …) lies outside and is reached by an adapter
that implements `CreditBureau`; `classification.credit_reports.credit_reports_fetch`
checks and stores what it answers. `StaticBureau` answers from memory: the tests and
the demo use it, so nothing here touches the network.
"""
import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from core.identity import parse_identity_number


@dataclass(frozen=True)
class ReportData:
    """One report as a bureau (or a file) gives it, before it is checked and stored."""

    identity_number: str
    score: int  # 0 (worst) to 100 (best)
    risk_class: int  # 1 (lowest risk) to 5 (highest)
    payment_remarks: int  # betalningsanmärkningar
    reported_on: datetime.date
    source: str


class CreditBureau(Protocol):
    name: str

    def reports(self, identity_numbers: list[str], on: datetime.date) -> list[ReportData]:
        """The bureau's reports as of `on` about these (canonical) identity numbers; an
        identity it knows nothing about is simply absent from the answer."""
        ...


class StaticBureau:
    """A bureau that knows a fixed set of reports: identity number → ReportData, or a
    mapping of its fields where `reported_on` defaults to the day asked about and
    `source` to the bureau's name."""

    def __init__(self, reports: Mapping[str, ReportData | Mapping], name: str = "test"):
        self.name = name
        self._reports = {parse_identity_number(identity).canonical: report for identity, report in reports.items()}

    def reports(self, identity_numbers: list[str], on: datetime.date) -> list[ReportData]:
        return [self._report(identity, self._reports[identity], on)
                for identity in identity_numbers if identity in self._reports]

    def _report(self, identity: str, report: ReportData | Mapping, on: datetime.date) -> ReportData:
        if isinstance(report, ReportData):
            return report
        fields = {"identity_number": identity, "reported_on": on, "source": self.name, **report}
        return ReportData(**fields)
