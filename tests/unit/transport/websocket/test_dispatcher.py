"""The dispatcher: one reply per frame, errors as replies, 500s."""

import json
import uuid

import msgpack
import pytest

from zaqar_lite.api import errors
from zaqar_lite.transport.websocket import dispatcher

HEADERS = {'Client-ID': uuid.uuid4().hex, 'X-Project-ID': 'p'}


def _call(disp, action, body=None, binary=False):
    doc = {'action': action, 'headers': HEADERS, 'body': body or {}}
    payload = msgpack.packb(doc) if binary else json.dumps(doc).encode()
    raw = disp.reply(payload, binary)
    return msgpack.unpackb(raw) if binary else json.loads(raw)


@pytest.mark.parametrize('binary', [False, True])
def test_a_reply_echoes_the_request_in_its_encoding(disp, binary):
    reply = _call(disp, 'queue_create', {'queue_name': 'q'}, binary)
    assert reply == {
        'request': {'action': 'queue_create', 'headers': HEADERS,
                    'body': {'queue_name': 'q'}, 'api': 'v2'},
        'headers': {'status': 201}, 'body': 'Queue q created.'}


def test_api_errors_become_replies_with_their_status(disp):
    reply = _call(disp, 'message_get', {'queue_name': 'q',
                                        'message_id': 'nope'})
    assert reply['headers']['status'] == 404
    assert reply['body']['title'] == 'Not found'


def test_the_post_size_limit_counts_the_frame(disp, conf):
    conf.set_override('max_messages_post_size', 200, group='transport')
    ok = _call(disp, 'message_post', {'queue_name': 'q',
                                      'messages': [{'body': 'x'}]})
    assert ok['headers']['status'] == 201
    big = _call(disp, 'message_post', {'queue_name': 'q',
                                       'messages': [{'body': 'x' * 150}]})
    assert big['headers']['status'] == 400


class ExplodingQueues:
    """A queue controller that fails in a way no storage error covers."""

    def __init__(self, real):
        self._real = real

    def __getattr__(self, name):
        return getattr(self._real, name)

    def list(self, *args, **kwargs):
        raise RuntimeError('disk on fire')


def test_an_unexpected_error_is_a_500_reply_and_counted(disp, stats):
    disp.api.queues._queues = ExplodingQueues(disp.api.queues._queues)
    reply = _call(disp, 'queue_list')
    assert reply['headers']['status'] == 500
    assert reply['body']['title'] == 'Internal server error'
    assert reply['request']['action'] == 'queue_list'
    assert stats.errors == 1
    # The next frame is answered normally.
    assert _call(disp, 'queue_get', {'queue_name': 'q'})[
        'headers']['status'] == 200


def test_a_reply_that_cannot_be_encoded_is_a_500(disp, stats):
    raw = disp.encode(dispatcher.make_reply({}, 200, {'x': object()}),
                      False)
    reply = json.loads(raw)
    assert reply['headers']['status'] == 500
    assert stats.errors == 1


def test_the_too_large_reply_says_both_sizes():
    reply = dispatcher.too_large_reply(5000, 1024)
    assert reply['headers']['status'] == 400
    assert reply['body']['error'] == ('Frame of 5000 bytes is too large. '
                                      'Max size 1024 bytes.')


def test_error_bodies_carry_error_and_title():
    reply = dispatcher.error_reply(dispatcher.empty_request(),
                                   errors.Conflict('busy'))
    assert reply['body'] == {'error': 'busy', 'title': 'Resource conflict'}
    assert reply['request'] == {'action': None, 'body': {}, 'headers': {},
                                'api': 'v2'}
