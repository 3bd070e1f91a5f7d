"""Frames to documents and back: JSON text frames, msgpack binary frames.

Both encodings carry the same data model as the HTTP API's JSON bodies:
objects with string keys, arrays, strings, finite numbers, booleans and
null, with integers that fit in 64 bits. Anything else in a frame (bytes,
msgpack extension types, NaN) is refused here, so storage only ever sees
what it could have received over HTTP.
"""

import json
import math
from typing import Any

import msgpack

from zaqar_lite.transport import strict_json


class DecodeError(ValueError):
    """A frame that does not decode to a JSON-compatible document."""


def decode(payload: bytes, is_binary: bool) -> Any:
    """The document a frame carries.

    :raises DecodeError: undecodable, or outside the JSON data model.
    """
    if is_binary:
        return _decode_msgpack(payload)
    return _decode_json(payload)


def encode(doc: Any, is_binary: bool) -> bytes:
    """A frame payload for ``doc``, in the encoding of the request."""
    if is_binary:
        return msgpack.packb(doc, use_bin_type=True)
    return json.dumps(doc, separators=(',', ':'),
                      ensure_ascii=False).encode('utf-8')


def _decode_json(payload: bytes) -> Any:
    try:
        return strict_json.loads(payload.decode('utf-8'))
    except (ValueError, RecursionError) as exc:
        raise DecodeError("Can't decode text (JSON) request. %s: %s"
                          % (type(exc).__name__, exc)) from None


def _decode_msgpack(payload: bytes) -> Any:
    # msgpack raises several unrelated exception types for bad input.
    try:
        doc = msgpack.unpackb(payload, raw=False)
    except Exception as exc:
        raise DecodeError("Can't decode binary (MessagePack) request. "
                          "%s: %s" % (type(exc).__name__, exc)) from None
    problem = _outside_json(doc)
    if problem:
        raise DecodeError("Can't decode binary (MessagePack) request. "
                          "%s" % problem)
    return doc


def _outside_json(doc: Any) -> str | None:
    """Why ``doc`` is not JSON-compatible, or None if it is.

    Iterative, so a deeply nested frame cannot exhaust the stack.
    """
    pending = [doc]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            if not all(isinstance(key, str) for key in value):
                return 'Map keys must be strings.'
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, bool) or value is None or isinstance(
                value, str):
            continue
        elif isinstance(value, int):
            if not strict_json.fits_int64(value):
                return 'Integer %d does not fit in 64 bits.' % value
        elif isinstance(value, float):
            if not math.isfinite(value):
                return 'Numbers must be finite.'
        else:
            return 'Values of type %s are not allowed.' % type(
                value).__name__
    return None
