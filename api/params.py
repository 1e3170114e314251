"""Query parameters of the API, read strictly.

A value of the wrong form is a 400 `invalid` naming the parameter, `detail` holding the value
given (cut to `ECHO_LIMIT` characters). An empty parameter (`?stage=`) counts as absent. Two
conventions of DRF stay: `page_size` above the maximum is lowered to it, and a page past the
last one is a 404.
"""
import datetime
import re

from rest_framework.pagination import PageNumberPagination

from core.errors import NotFound, ValidationError

ECHO_LIMIT = 100
# ISO 8601 calendar dates in ASCII digits: YYYY-MM-DD, also YYYYMMDD as the ledger file allows.
# (Python 3.11's date.fromisoformat also takes week dates such as 2026-W48-1; the API does not.)
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{8}")
DIGITS = re.compile(r"[0-9]+")
# More digits than this is a number past any page or page size there is.
MAX_DIGITS = 9


def echo(value: str) -> str:
    return value if len(value) <= ECHO_LIMIT else value[:ECHO_LIMIT] + "…"


def invalid(name: str, value: str, message: str) -> ValidationError:
    return ValidationError(message, detail={name: echo(value)})


def date_param(request, name: str, *, earliest: datetime.date, latest: datetime.date) -> datetime.date | None:
    value = request.query_params.get(name)
    if not value:
        return None
    try:
        if not ISO_DATE.fullmatch(value):
            raise ValueError(value)
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise invalid(name, value, f"{name} must be a date, YYYY-MM-DD") from None
    if not earliest <= day <= latest:
        raise invalid(name, value, f"{name} must be a date from {earliest} to {latest}")
    return day


def choice_param(request, name: str, choices) -> str | None:
    value = request.query_params.get(name)
    if not value:
        return None
    if value not in choices:
        raise invalid(name, value, f"{name} must be one of {', '.join(choices)}")
    return value


def bool_param(request, name: str) -> bool | None:
    value = request.query_params.get(name)
    if not value:
        return None
    if value not in ("true", "false"):
        raise invalid(name, value, f"{name} must be true or false")
    return value == "true"


def _whole_number(request, name: str) -> int | None:
    """A positive whole number, None when absent; past MAX_DIGITS digits, a number larger than any limit."""
    value = request.query_params.get(name)
    if not value:
        return None
    digits = value.lstrip("0") if DIGITS.fullmatch(value) else ""
    if not digits:
        raise invalid(name, value, f"{name} must be a whole number from 1")
    return int(digits) if len(digits) <= MAX_DIGITS else 10 ** MAX_DIGITS


class StrictPageNumberPagination(PageNumberPagination):
    """`?page=N&page_size=M`: N and M whole numbers from 1 (or `page=last`); M at most `max_page_size`."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_page_size(self, request):
        size = _whole_number(request, self.page_size_query_param)
        return self.page_size if size is None else min(size, self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        paginator = self.django_paginator_class(queryset, self.get_page_size(request))
        if request.query_params.get(self.page_query_param) in self.last_page_strings:
            number = paginator.num_pages
        else:
            number = _whole_number(request, self.page_query_param) or 1
        if number > paginator.num_pages:
            value = request.query_params[self.page_query_param]
            raise NotFound(f"There is no page {echo(value)}: the last page is {paginator.num_pages}.",
                           detail={self.page_query_param: echo(value)})
        self.page = paginator.page(number)
        return list(self.page)
