"""The API reads JSON bodies only, and no body can crash the parser.

Python's `json` raises RecursionError, not ValueError, on a body nested past the recursion
limit (`[[[[…` a hundred thousand deep), which DRF's parser lets through as a 500. The
body's size is bounded before parsing by Django's DATA_UPLOAD_MAX_MEMORY_SIZE (DRF reads
`request.body` for JSON); api.handler turns that refusal into a 413.
"""
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the body is nested too deeply") from None
