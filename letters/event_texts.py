"""The timeline's sentences for the codes letters writes (registered in `LettersConfig.ready`):
a letter e-mailed, a letter in the day's print file. The letter's title is the reader's
language's, whatever language the letter itself went out in (the letter record keeps that)."""
from cases.timeline import format_date, register

from .models import LetterKind
from .texts import TITLES

LETTER_EMAILED = "letters.letter.emailed"
LETTER_PRINTED = "letters.letter.printed"

register(LETTER_EMAILED,
         sv=lambda d: f"{TITLES['sv'][LetterKind(d['kind'])]} skickat med e-post till {d['email']}",
         en=lambda d: f"{TITLES['en'][LetterKind(d['kind'])]} e-mailed to {d['email']}")
register(LETTER_PRINTED,
         sv=lambda d: f"{TITLES['sv'][LetterKind(d['kind'])]} i tryckfil {format_date(d['day'])}",
         en=lambda d: f"{TITLES['en'][LetterKind(d['kind'])]} in the print file of {format_date(d['day'])}")
