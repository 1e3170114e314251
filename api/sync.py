"""Staying in step: `?updated_since=` and `?cursor=` on the lists of cases, debtors, letters and payments.

Without either parameter a list is paged by number as before (`page`, `page_size`). With one,
it is read in the order things changed, (changed time, id), a page at a time:

    {"next": URL of the next page or null, "cursor": "…", "results": [{…, "changed_at": …}, …]}

`cursor` is the place after the last result: keep it, and ask `?cursor=…` later for what
changed since (an empty page keeps the cursor it was given). `updated_since` (ISO 8601 with
a time zone, `2026-11-23T05:30:00Z`) starts from a time instead.

What counts as a change is each viewset's `changed_at` expression (see its docstring and the
README). A change is stamped with the time it was written; the daily cycle writes a chunk of
cases in one transaction, so a change can commit a little after a later-stamped one was read.
To never miss one, an ERP asks again from a minute or so before its cursor's time now and then
(`updated_since`); a result seen twice is simply the same object again.
"""
import base64
import binascii
import datetime
import json

from django.db.models import Q
from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer
from rest_framework import serializers
from rest_framework.response import Response

from .params import invalid


def sync_parameters() -> list[OpenApiParameter]:
    return [
        OpenApiParameter("updated_since", OpenApiTypes.DATETIME, description=(
            "Only what changed after this time (ISO 8601 with a time zone), oldest change first; "
            "the answer is then `{next, cursor, results}`")),
        OpenApiParameter("cursor", str, description=(
            "Go on from a `cursor` an earlier answer gave: the next page, or later what changed since")),
    ]


def list_response(item_serializer, name: str) -> PolymorphicProxySerializer:
    """A list's 200 answer: a numbered page, or with `updated_since`/`cursor` a page of changes."""
    changed = type(f"{name}Changed", (item_serializer,), {
        "changed_at": serializers.DateTimeField(help_text="When it last changed: the order of the changes"),
        "__module__": __name__})
    page = serializers.Serializer  # built inline: DRF's own paginated component lives under another name
    numbered = type(f"{name}Page", (page,), {
        "count": serializers.IntegerField(), "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True), "results": item_serializer(many=True),
        "__module__": __name__})
    changes = type(f"{name}Changes", (page,), {
        "next": serializers.URLField(allow_null=True, help_text="The next page of changes; null: this was the last"),
        "cursor": serializers.CharField(help_text="Keep it: `?cursor=` later answers what changed since"),
        "results": changed(many=True), "__module__": __name__})
    return PolymorphicProxySerializer(component_name=f"{name}ListOrChanges", serializers=[numbered, changes],
                                      resource_type_field_name=None, many=False)


def encode_cursor(at: datetime.datetime, pk: int) -> str:
    raw = json.dumps([at.isoformat(), pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(value: str) -> tuple[datetime.datetime, int]:
    try:
        at, pk = json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
        moment = datetime.datetime.fromisoformat(at)
        if moment.tzinfo is None or not isinstance(pk, int) or isinstance(pk, bool) or pk < 0:
            raise ValueError(value)
        return moment, pk
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, OverflowError):
        raise invalid("cursor", value,
                      "cursor is not one this API gave: use the `cursor` of an earlier answer") from None


def since_param(request) -> datetime.datetime | None:
    value = request.query_params.get("updated_since")
    if not value:
        return None
    try:
        moment = parse_datetime(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise invalid("updated_since", value, "updated_since must be an ISO 8601 time with a time zone, "
                                              "such as 2026-11-23T05:30:00Z")
    try:
        # In UTC: Python takes offsets up to ±23:59, PostgreSQL only to ±15:59 (Schemathesis sent -22:02).
        return moment.astimezone(datetime.UTC)
    except OverflowError:
        raise invalid("updated_since", value, "updated_since is out of range") from None


def after(at: datetime.datetime, pk: int, *, key: str = "pk") -> Q:
    """Past the place (`at`, `pk`) in the order of (changed_at, `key`)."""
    return Q(changed_at__gt=at) | Q(changed_at=at, **{f"{key}__gt": pk})


class SyncMixin:
    """For a list viewset: `sync_or_page(queryset)` answers by cursor when asked to, else by page
    number. The viewset says what a change is: `changed_at(queryset)` annotates `changed_at`
    (or `changed_page` finds a page of changes its own way)."""

    def changed_at(self, queryset):
        raise NotImplementedError

    def changed_page(self, queryset, at: datetime.datetime, pk: int, limit: int) -> list:
        """The first `limit` objects changed after the place (`at`, `pk`), in the order of
        (changed_at, pk), each with its `changed_at`. A viewset whose changed time comes from a
        large table overrides it to find them by an index rather than by computing the time
        of every row."""
        return list(self.changed_at(queryset.order_by()).filter(after(at, pk)).order_by("changed_at", "pk")[:limit])

    def sync_or_page(self, queryset, serialize=None):
        serialize = serialize or (lambda objects: self.get_serializer(objects, many=True).data)
        request = self.request
        cursor, since = request.query_params.get("cursor"), since_param(request)
        if not cursor and since is None:
            page = self.paginate_queryset(queryset)
            return self.get_paginated_response(serialize(page))
        if cursor and since is not None:
            raise invalid("cursor", cursor, "give cursor or updated_since, not both")
        at, pk = decode_cursor(cursor) if cursor else (since, 0)
        size = self.paginator.get_page_size(request)  # `page_size`, as with pages: 100, at most 1000
        found = self.changed_page(queryset, at, pk, size + 1)
        objects, more = found[:size], len(found) > size
        results = serialize(objects)
        for result, obj in zip(results, objects):
            result["changed_at"] = obj.changed_at.isoformat().replace("+00:00", "Z")
        position = encode_cursor(objects[-1].changed_at, objects[-1].pk) if objects else encode_cursor(at, pk)
        following = None
        if more:
            query = request.query_params.copy()
            query.pop("updated_since", None)
            query["cursor"] = position
            following = request.build_absolute_uri(request.path) + "?" + query.urlencode()
        return Response({"next": following, "cursor": position, "results": results})
