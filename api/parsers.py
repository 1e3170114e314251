"""The API reads JSON bodies only, and no body can crash the parser.

Python's `json` raises RecursionError, not ValueError, on a body nested past the recursion
limit (`[[[[…` a hundred thousand deep), which DRF's parser lets through as a 500. The
body's size is bounded before parsing by Django's DATA_UPLOAD_MAX_MEMORY_SIZE (DRF reads
`request.body` for JSON); api.handler turns that refusal into a 413.

A JSON number with a fraction is read as a `Decimal`, never a binary float: `1250.10`
arrives as exactly 1250.10 (as a float it would be 1250.0999999999999). Money never passes
through float; NaN and Infinity stay refused (DRF's strict constants).
"""
import codecs
from decimal import Decimal

from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})  # refuses bytes-to-bytes codecs (bz2_codec)
        try:
            return json.load(codecs.getreader(encoding)(stream), parse_float=Decimal,
                             parse_constant=json.strict_constant)
        except RecursionError:
            raise ParseError("JSON parse error - the body is nested too deeply") from None
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
