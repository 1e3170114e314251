"""The case resource of the REST API (CONTRACT.md).

Balances are computed as of `as_of` (default today). Interest needs Riksbanken's reference
rate of every half-year up to that day; where one is not known yet (a date past the last
published rate, or a new half-year before the operator added its rate) the answer is a 422
`reference_rate_unknown` naming the half-year, not a guess.
"""
import datetime
from contextlib import contextmanager

from django.db.models import Max, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import get_language_from_request
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from cases import selectors, timeline
from cases.models import CaseEvent
from cases.stages import Stage
from core.errors import Unprocessable
from dunning import balances
from dunning.selectors import next_step_of
from law.interest import MissingReferenceRate
from letters.selectors import letter_pdf_url

from .case_actions import case_action
from .params import StrictPageNumberPagination, choice_param, date_param
from .schema import ACCEPT_LANGUAGE
from .sync import SyncMixin, after, list_response, sync_parameters

# The dates a balance can be asked for: before 2000 Fordra holds no claim (LAW.md's fee caps
# start there), and past 2099 the question is a typo. Beyond them `as_of` is a 400.
AS_OF_EARLIEST = datetime.date(2000, 1, 1)
AS_OF_LATEST = datetime.date(2099, 12, 31)


class BalanceSerializer(serializers.Serializer):
    principal = serializers.DecimalField(max_digits=14, decimal_places=2)
    fees = serializers.DecimalField(max_digits=14, decimal_places=2)
    interest = serializers.DecimalField(max_digits=14, decimal_places=2)
    total = serializers.DecimalField(max_digits=14, decimal_places=2)


class NextStepSerializer(serializers.Serializer):
    action = serializers.CharField()
    date = serializers.DateField()


def reader_language(request) -> str:
    """`sv` or `en`, from the request's `Accept-Language` (Swedish by default). Django's own
    parser, which needs no LocaleMiddleware; it reads the language cookie first, as the
    portal would set it."""
    return timeline.language_of(get_language_from_request(request))


class EventSerializer(serializers.Serializer):
    """An event of the case timeline; `text` is its sentence in the reader's language
    (`context["language"]`, Swedish by default), rendered from its code and data."""

    at = serializers.DateTimeField()
    on = serializers.DateField()
    code = serializers.CharField()
    text = serializers.SerializerMethodField()

    def get_text(self, event) -> str:
        return timeline.event_text(event, self.context.get("language", timeline.DEFAULT_LANGUAGE))


class CaseSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="case.id")
    invoice_number = serializers.CharField(source="case.invoice.invoice_number")
    customer_number = serializers.CharField(source="case.debtor.customer_number")
    debtor = serializers.IntegerField(source="case.debtor_id")
    currency = serializers.CharField(source="case.currency")
    stage = serializers.CharField(source="case.stage")
    closed_reason = serializers.CharField(source="case.closed_reason")
    category = serializers.CharField(source="case.debtor.category")
    ocr_reference = serializers.CharField(source="case.ocr_reference")
    due_date = serializers.DateField(source="case.invoice.due_date")
    balance = BalanceSerializer()
    next_step = serializers.SerializerMethodField()

    @extend_schema_field(NextStepSerializer(allow_null=True))
    def get_next_step(self, view):
        step = next_step_of(view.case)
        return NextStepSerializer(step).data if step else None


class LetterSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    sent_on = serializers.DateField()
    deadline = serializers.DateField(allow_null=True)
    total = serializers.DecimalField(max_digits=14, decimal_places=2)
    pdf_url = serializers.SerializerMethodField()

    def get_pdf_url(self, letter) -> str | None:
        return letter_pdf_url(letter)  # None until the letter is rendered: the record exists first


class CaseDetailSerializer(CaseSerializer):
    events = serializers.SerializerMethodField()
    letters = serializers.SerializerMethodField()
    limitation_date = serializers.SerializerMethodField()

    @extend_schema_field(EventSerializer(many=True))
    def get_events(self, view):
        return EventSerializer(view.case.events.all(), many=True, context=self.context).data

    @extend_schema_field(LetterSerializer(many=True))
    def get_letters(self, view):
        return LetterSerializer(view.case.letters.all(), many=True).data

    def get_limitation_date(self, view) -> datetime.date:
        return selectors.case_limitation(view.case)


def parse_as_of(request) -> datetime.date | None:
    return date_param(request, "as_of", earliest=AS_OF_EARLIEST, latest=AS_OF_LATEST)


@contextmanager
def reference_rate_known(as_of: datetime.date | None):
    """A balance that needs a reference rate Fordra does not have is a 422 naming the half-year."""
    try:
        yield
    except MissingReferenceRate as exc:
        start = exc.half_year_start
        label = f"{start.year} H{1 if start.month == 1 else 2}"
        day = as_of or timezone.localdate()
        raise Unprocessable(
            f"Interest as of {day} needs Riksbanken's reference rate for {label} (the half-year from {start}), "
            f"which is not known yet: ask for a date before {start}, or for the rate to be added.",
            code="reference_rate_unknown", detail={"as_of": day.isoformat(), "half_year": start.isoformat()},
        ) from exc


class CasePagination(StrictPageNumberPagination):
    pass


class CaseViewSet(SyncMixin, viewsets.GenericViewSet):
    """Cases of the API client's creditor, with balances as of a date."""

    lookup_value_regex = r"[0-9]+"
    pagination_class = CasePagination
    serializer_class = CaseSerializer

    def changed_page(self, cases, at, pk, limit):
        """A case changes when something happens to it, and everything that does leaves an
        event on its timeline (STYLE.md): a step and its fee, a letter, a payment, a credit,
        a hold, a category change, its closing. So its changed time is its latest event's.
        Not a change: interest growing by the day (ask `as_of`), and the next step's date
        moving because the creditor replaced the category's ladder (re-read after a PUT).

        Read from the events alone, by their (creditor, time) index: the cases with an event
        at `at` or later, each with its latest, then those cases. A poll costs the changes
        since the last one, not a look at every case."""
        latest = (CaseEvent.objects.filter(case__in=cases.order_by().values("pk"), at__gte=at)
                  .values("case_id").annotate(changed_at=Max("at")).filter(after(at, pk, key="case_id"))
                  .order_by("changed_at", "case_id")[:limit])
        changed = {row["case_id"]: row["changed_at"] for row in latest}
        found = cases.filter(pk__in=changed).in_bulk()
        for case_id, case in found.items():
            case.changed_at = changed[case_id]
        return [found[case_id] for case_id in changed]

    @extend_schema(parameters=[OpenApiParameter("as_of", OpenApiTypes.DATE),
                               OpenApiParameter("stage", str, enum=Stage.values), *sync_parameters()],
                   responses={200: list_response(CaseSerializer, "Case")})
    def list(self, request):
        as_of = parse_as_of(request)
        cases = selectors.case_list(stage=choice_param(request, "stage", Stage.values))

        def serialize(page):
            with reference_rate_known(as_of):
                views = balances.with_balances(page, as_of=as_of)
            return self.get_serializer(views, many=True).data
        return self.sync_or_page(cases, serialize)

    def case_detail(self, view) -> dict:
        return CaseDetailSerializer(view, context={"language": reader_language(self.request)}).data

    @extend_schema(responses=CaseDetailSerializer, parameters=[
        OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH), OpenApiParameter("as_of", OpenApiTypes.DATE),
        ACCEPT_LANGUAGE])
    def retrieve(self, request, pk=None):
        as_of = parse_as_of(request)
        with reference_rate_known(as_of):
            view = balances.case_with_balance(pk, as_of=as_of)
        prefetch_related_objects([view.case], "letters")  # listed, and counted for the limitation date
        return Response(self.case_detail(view))

    # POST /cases/{id}/pause and the others: routed in api.urls, without a trailing slash (CONTRACT.md).
    pause = case_action("pause", CaseDetailSerializer)
    resume = case_action("resume", CaseDetailSerializer)
    withdraw = case_action("withdraw", CaseDetailSerializer)
    dispute = case_action("dispute", CaseDetailSerializer)
