import datetime

import pytest

from core.errors import ValidationError
from core.identity import (
    COORDINATION,
    ORGANISATION,
    PERSON,
    parse_bankgiro,
    parse_identity_number,
    parse_org_number,
    parse_personal_number,
)

TODAY = datetime.date(2026, 11, 23)


@pytest.mark.parametrize("text", ["811228-9874", "8112289874", "198112289874", "19811228-9874", " 811228 9874 "])
def test_personnummer_has_one_canonical_form(text):
    identity = parse_personal_number(text, today=TODAY)
    assert identity == parse_personal_number("19811228-9874", today=TODAY)
    assert identity.canonical == "19811228-9874"
    assert identity.kind == PERSON
    assert identity.masked == "19811228-****"


def test_plus_sign_means_a_hundred_years_older():
    assert parse_personal_number("121212+1212", today=TODAY).canonical == "19121212-1212"
    assert parse_personal_number("121212-1212", today=TODAY).canonical == "20121212-1212"


def test_samordningsnummer_is_a_person_with_day_plus_sixty():
    identity = parse_personal_number("701063-2391", today=TODAY)
    assert identity.kind == COORDINATION
    assert identity.canonical == "19701063-2391"


@pytest.mark.parametrize("text, reason", [
    ("811228-9875", "check digit"),
    ("811328-9874", "valid date"),
    ("81122898", "10 or 12 digits"),
    ("81a228-9874", "only digits"),
])
def test_bad_personnummer_says_why(text, reason):
    with pytest.raises(ValidationError, match=reason):
        parse_personal_number(text, today=TODAY)


def test_organisation_number():
    assert parse_org_number("5567037485") == "556703-7485"
    assert parse_org_number("16556703-7485") == "556703-7485"
    identity = parse_identity_number("556703-7485")
    assert identity.kind == ORGANISATION
    assert identity.masked == "556703-7485"
    with pytest.raises(ValidationError, match="check digit"):
        parse_org_number("556703-7486")
    with pytest.raises(ValidationError, match="third digit"):
        parse_org_number("811228-9874")


@pytest.mark.parametrize("text, canonical", [("5050-1055", "5050-1055"), ("50501055", "5050-1055"),
                                             ("991-2346", "991-2346")])
def test_bankgiro(text, canonical):
    assert parse_bankgiro(text) == canonical


@pytest.mark.parametrize("text", ["5050-1056", "123", "5050-10555", "abcd-efgh"])
def test_bad_bankgiro(text):
    with pytest.raises(ValidationError, match="bankgiro"):
        parse_bankgiro(text)
