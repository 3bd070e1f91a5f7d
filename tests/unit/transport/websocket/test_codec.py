"""Frame decoding: the JSON data model, in both encodings."""

import json

import msgpack
import pytest

from zaqar_lite.transport.websocket import codec

DOC = {'action': 'message_post', 'body': {'messages': [
    {'body': {'n': -2 ** 63, 'f': 1.5, 'ok': True, 'none': None,
              'list': ['é', 2 ** 63 - 1]}}]}}


@pytest.mark.parametrize('binary', [False, True])
def test_documents_round_trip_in_both_encodings(binary):
    assert codec.decode(codec.encode(DOC, binary), binary) == DOC


def test_text_frames_are_utf8_json():
    assert codec.encode({'a': 'é'}, False) == '{"a":"é"}'.encode()
    assert json.loads(codec.encode(DOC, False)) == DOC


@pytest.mark.parametrize('payload', [
    b'', b'{', b'\xff{}', b'{"a": NaN}', b'{"a": -Infinity}',
    b'[' * 100000, b'{"a": 9223372036854775808}',
    b'{"a": -9223372036854775809}', b'{"a": 1e400}',
])
def test_bad_json_is_a_decode_error(payload):
    with pytest.raises(codec.DecodeError, match="Can't decode text"):
        codec.decode(payload, False)


@pytest.mark.parametrize('value', [
    b'bytes', {1: 'int key'}, {'a': msgpack.ExtType(5, b'x')},
    {'a': 2 ** 64 - 1}, float('nan'), [float('inf')],
])
def test_msgpack_outside_the_json_model_is_a_decode_error(value):
    payload = msgpack.packb(value, strict_types=False)
    with pytest.raises(codec.DecodeError, match="Can't decode binary"):
        codec.decode(payload, True)


def test_nesting_deeper_than_the_recursion_limit_is_checked():
    payload = b'\x91' * 1000 + b'\xc0'  # 1000 nested one-item arrays
    doc, depth = codec.decode(payload, True), 0
    while isinstance(doc, list):
        doc, depth = doc[0], depth + 1
    assert depth == 1000 and doc is None


def test_msgpack_too_deep_to_unpack_is_a_decode_error():
    with pytest.raises(codec.DecodeError, match='StackError'):
        codec.decode(b'\x91' * 5000 + b'\xc0', True)


@pytest.mark.parametrize('payload', [b'\xc1', b'\x92\x01', b''])
def test_bad_msgpack_is_a_decode_error(payload):
    with pytest.raises(codec.DecodeError):
        codec.decode(payload, True)
