"""Reading HTTP requests: JSON bodies and query parameters, strictly."""

import json
import re
from typing import Any

import falcon

from zaqar_lite.api import errors
from zaqar_lite.transport import strict_json

FORM_TYPE = 'application/x-www-form-urlencoded'
_INTEGER = re.compile(r'-?[0-9]+\Z')


def media_type(req: falcon.Request) -> str:
    """The request's media type, without parameters, in lower case (media
    types are case-insensitive)."""
    return (req.content_type or '').split(';')[0].strip().lower()


def read_json(req: falcon.Request, max_size: int | None = None,
              required: bool = True) -> tuple[Any, int]:
    """The request's JSON body: an object or an array.

    :param max_size: bytes; a larger body is refused whatever its
        Content-Length says.
    :param required: if False, an empty body gives None.
    :returns: ``(document, size_in_bytes)``
    """
    data = _read_body(req, max_size)
    if not data.strip():
        if required:
            raise errors.InvalidBody('A JSON body is required.')
        return None, 0
    if media_type(req) == FORM_TYPE:
        raise errors.BadRequest('Request bodies must be JSON.',
                                title='Invalid Content-Type')
    return _decode(data), len(data)


def _read_body(req: falcon.Request, max_size: int | None) -> bytes:
    # A chunked body has no Content-Length: read the raw stream, which the
    # WSGI server de-chunks; bounded_stream would see an empty body.
    stream = req.bounded_stream if req.content_length is not None \
        else req.stream
    data = stream.read(-1 if max_size is None else max_size + 1)
    if max_size is not None and len(data) > max_size:
        raise errors.BadRequest('The request body is too large. Max size '
                                '%d bytes.' % max_size)
    return data


def _decode(data: bytes) -> Any:
    try:
        # UTF-16/32 bodies are valid JSON too: detect as json.loads does.
        text = data.decode(json.detect_encoding(data), 'surrogatepass')
        doc = strict_json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise errors.InvalidBody('Malformed JSON, or a number out of range '
                                 '(integers must fit in 64 bits): %s'
                                 % exc)
    if not isinstance(doc, (dict, list)):
        raise errors.InvalidBody('The JSON body must be an object or an '
                                 'array.')
    return doc


def read_object(req: falcon.Request, required: bool = True,
                max_size: int | None = None) -> tuple[dict | None, int]:
    """A JSON object body (or None when optional and absent)."""
    doc, size = read_json(req, max_size=max_size, required=required)
    if doc is not None and not isinstance(doc, dict):
        raise errors.InvalidBody('The JSON body must be an object.')
    return doc, size


def int_param(req: falcon.Request, name: str) -> int | None:
    """A decimal integer parameter, or None if absent or empty."""
    value = req.get_param(name)
    if value is None or value == '':
        return None
    # int() alone would also take " 5", "1_0" and non-ASCII digits.
    if not _INTEGER.match(value) or len(value) > 20:
        raise errors.BadRequest('The "%s" parameter must be an integer.'
                                % name)
    return int(value)


def bool_param(req: falcon.Request, name: str) -> bool:
    """A true/false (1/0, yes/no) parameter; absent or empty is False."""
    value = req.get_param(name)
    if value is None or value == '':
        return False
    lowered = value.lower()
    if lowered in ('true', '1', 'yes'):
        return True
    if lowered in ('false', '0', 'no'):
        return False
    raise errors.BadRequest('The "%s" parameter must be true or false.'
                            % name)


def list_param(req: falcon.Request, name: str) -> list[str] | None:
    """A list parameter, or None if absent.

    Both forms clients send are accepted: comma-separated (``?ids=a,b``)
    and repeated (``?ids=a&ids=b``, as python-zaqarclient sends them).
    """
    values = req.get_param_as_list(name)
    if values is None:
        return None
    return [item for value in values for item in value.split(',') if item]
