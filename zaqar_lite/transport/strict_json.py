"""Strict JSON: the one data model of every request document.

Objects, arrays, strings, booleans, null, integers that fit in 64 bits and
finite numbers. Both transports decode with ``loads`` (the websocket's
msgpack frames are held to the same model), so storage only ever sees
what could have come over HTTP.
"""

import json
import math
from typing import Any

INT64_MIN, INT64_MAX = -2 ** 63, 2 ** 63 - 1


def fits_int64(value: int) -> bool:
    return INT64_MIN <= value <= INT64_MAX


def _int64(text: str) -> int:
    value = int(text)
    if not fits_int64(value):
        raise ValueError('integer %s does not fit in 64 bits' % text)
    return value


def _finite(text: str) -> float:
    # 1e400 parses as infinity, which JSON cannot carry back out.
    value = float(text)
    if not math.isfinite(value):
        raise ValueError('number %s is out of range' % text)
    return value


def _no_constant(name: str):
    raise ValueError('%s is not JSON' % name)


#: One decoder for every document (json.loads with hooks would build a new
#: decoder per call).
_DECODER = json.JSONDecoder(parse_int=_int64, parse_float=_finite,
                            parse_constant=_no_constant)


def loads(text: str) -> Any:
    """Decode ``text``.

    :raises ValueError: not JSON, or outside the model.
    :raises RecursionError: nested too deeply.
    """
    return _DECODER.decode(text)
