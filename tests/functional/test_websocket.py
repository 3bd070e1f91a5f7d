"""The websocket run mode, end to end: every action, both encodings,
bad frames, the HTTP rules that also apply here, project isolation."""

import json
import time
import uuid

import msgpack
import pytest
import websocket

from tests.functional import servers
from tests.functional.test_websocket_support import WsClient, status

ENCODINGS = [pytest.param(False, id='json'), pytest.param(True, id='msgpack')]


@pytest.fixture(scope='module')
def ws_server(tmp_path_factory):
    """One websocket server for this module (small frames allowed, so that
    the size limit is cheap to reach)."""
    server = servers.ZaqarServer(
        tmp_path_factory.mktemp('websocket'), transport='websocket',
        options={'drivers:transport:websocket': {'max_frame_size': 65536}})
    with server:
        yield server


@pytest.fixture(params=ENCODINGS)
def client(request, ws_server, project):
    """A connection of the test's own project, in each encoding."""
    with WsClient(ws_server.url, project, binary=request.param) as conn:
        yield conn


def _post(client, queue, bodies):
    reply = client.call('message_post', {
        'queue_name': queue, 'messages': [{'body': b} for b in bodies]})
    assert status(reply) == 201, reply
    return reply['body']['message_ids']


def test_reply_echoes_the_request_with_the_api_version(client):
    request = client.request('queue_create', {'queue_name': 'echo'})
    reply = client.send_doc(request)
    assert reply['request'] == dict(request, api='v2')
    assert reply['headers'] == {'status': 201}


def test_queue_actions(client):
    created = client.call('queue_create', {'queue_name': 'q1',
                                           'metadata': {'color': 'red'}})
    assert status(created) == 201
    assert status(client.call('queue_create', {'queue_name': 'q1'})) == 204
    got = client.call('queue_get', {'queue_name': 'q1'})
    assert status(got) == 200
    assert got['body']['color'] == 'red'
    assert got['body']['_default_message_ttl'] == 3600
    listed = client.call('queue_list', {'detailed': True, 'limit': 5})
    assert status(listed) == 200
    assert [(q['name'], q['metadata']) for q in listed['body']['queues']] \
        == [('q1', {'color': 'red'})]
    stats = client.call('queue_get_stats', {'queue_name': 'q1'})
    assert stats['body'] == {'messages': {'claimed': 0, 'free': 0,
                                          'total': 0}}
    assert status(client.call('queue_delete', {'queue_name': 'q1'})) == 204
    assert client.call('queue_list')['body']['queues'] == []


def test_message_actions(client):
    ids = _post(client, 'mq', ['a', {'b': [1, 2.5, None, True]}, 3])
    listed = client.call('message_list', {'queue_name': 'mq',
                                          'echo': True})
    assert [m['body'] for m in listed['body']['messages']] == [
        'a', {'b': [1, 2.5, None, True]}, 3]
    # Without echo a client does not see its own messages.
    assert client.call('message_list', {'queue_name': 'mq'})[
        'body']['messages'] == []
    one = client.call('message_get', {'queue_name': 'mq',
                                      'message_id': ids[0]})
    assert status(one) == 200 and one['body']['messages']['body'] == 'a'
    many = client.call('message_get_many', {'queue_name': 'mq',
                                            'message_ids': ids[1:]})
    assert [m['id'] for m in many['body']['messages']] == ids[1:]
    assert status(client.call('message_delete', {
        'queue_name': 'mq', 'message_id': ids[0]})) == 204
    assert status(client.call('message_delete_many', {
        'queue_name': 'mq', 'message_ids': [ids[1]]})) == 204
    popped = client.call('message_delete_many', {'queue_name': 'mq',
                                                 'pop': 5})
    assert status(popped) == 200
    assert [m['id'] for m in popped['body']['messages']] == [ids[2]]
    gone = client.call('message_get', {'queue_name': 'mq',
                                       'message_id': ids[0]})
    assert status(gone) == 404 and gone['body']['title'] == 'Not found'


def test_claim_actions(client):
    ids = _post(client, 'cq', [1, 2, 3])
    claim = client.call('claim_create', {'queue_name': 'cq', 'limit': 2,
                                         'ttl': 120, 'grace': None})
    assert status(claim) == 201
    claim_id = claim['body']['claim_id']
    assert [m['id'] for m in claim['body']['messages']] == ids[:2]
    got = client.call('claim_get', {'queue_name': 'cq',
                                    'claim_id': claim_id})
    assert status(got) == 200 and got['body']['ttl'] == 120
    assert status(client.call('claim_update', {
        'queue_name': 'cq', 'claim_id': claim_id, 'ttl': 300})) == 204
    refused = client.call('message_delete', {'queue_name': 'cq',
                                             'message_id': ids[0]})
    assert status(refused) == 403
    assert status(client.call('message_delete', {
        'queue_name': 'cq', 'message_id': ids[0],
        'claim_id': claim_id})) == 204
    assert status(client.call('claim_delete', {
        'queue_name': 'cq', 'claim_id': claim_id})) == 204
    again = client.call('claim_create', {'queue_name': 'cq', 'limit': 5})
    assert [m['id'] for m in again['body']['messages']] == ids[1:]
    empty = client.call('claim_create', {'queue_name': 'cq'})
    assert status(empty) == 204


def test_queue_purge(client):
    _post(client, 'pq', ['x', 'y'])
    assert status(client.call('queue_purge', {
        'queue_name': 'pq', 'resource_types': ['messages']})) == 204
    stats = client.call('queue_get_stats', {'queue_name': 'pq'})
    assert stats['body']['messages']['total'] == 0


def test_authenticate_answers_200_without_an_auth_backend(client):
    reply = client.call('authenticate', headers={'X-Auth-Token': 'x'})
    assert status(reply) == 200


@pytest.mark.parametrize('action, body, title', [
    ('queue_create', {'queue_name': 'bad name'},
     'Invalid queue identification'),
    ('queue_list', {'limit': 21}, 'Invalid API request'),
    ('message_post', {'queue_name': 'v', 'messages': [
        {'body': 1, 'ttl': 10}]}, 'Invalid API request'),
    ('message_post', {'queue_name': 'v', 'messages': []},
     'Invalid API request'),
    ('claim_create', {'queue_name': 'v', 'ttl': 50000},
     'Invalid API request'),
    ('message_delete_many', {'queue_name': 'v', 'pop': 1,
                             'message_ids': ['a']}, 'Invalid API request'),
])
def test_the_http_validation_applies(client, action, body, title):
    reply = client.call(action, body)
    assert status(reply) == 400, reply
    assert reply['body']['title'] == title


def test_posting_more_than_the_post_size_limit_is_refused(ws_server,
                                                          project):
    with WsClient(ws_server.url, project) as conn:
        conn.call('queue_create', {'queue_name': 'small', 'metadata': {
            '_max_messages_post_size': 1024}})
        reply = conn.call('message_post', {'queue_name': 'small',
                                           'messages': [{'body': 'x' * 2000}]})
        assert status(reply) == 400
        assert 'too large' in reply['body']['error']


@pytest.mark.parametrize('headers, title', [
    ({'X-Project-ID': 'p'}, 'Missing header value'),
    ({'Client-ID': 'not-a-uuid', 'X-Project-ID': 'p'}, 'Wrong UUID value'),
    ({'Client-ID': uuid.uuid4().hex}, 'Project-Id Missing'),
    ({'Client-ID': uuid.uuid4().hex, 'X-Project-ID': ''},
     'Empty project header not allowed'),
])
def test_the_headers_are_checked_as_in_http(client, headers, title):
    reply = client.call('queue_list', headers=headers)
    assert status(reply) == 400
    assert reply['body']['title'] == title


def test_headers_are_found_in_any_letter_case(ws_server, project):
    with WsClient(ws_server.url, project) as conn:
        reply = conn.call('queue_create', {'queue_name': 'case'}, headers={
            'client-id': conn.client_id, 'X-PROJECT-ID': project})
        assert status(reply) == 201
        assert [q['name'] for q in conn.call('queue_list')['body'][
            'queues']] == ['case']


def _frame(doc, binary):
    return msgpack.packb(doc) if binary else json.dumps(doc).encode()


BAD_FRAMES = [
    pytest.param(b'{"action": ', False, "Can't decode text (JSON)",
                 id='not-json'),
    pytest.param(b'\xff\xfe{}', False, "Can't decode text (JSON)",
                 id='not-utf8'),
    pytest.param(b'{"limit": NaN}', False, "Can't decode text (JSON)",
                 id='json-nan'),
    pytest.param(b'{"n": 99999999999999999999}', False,
                 "Can't decode text (JSON)", id='json-int-over-64-bits'),
    pytest.param(b'\xc1', True, "Can't decode binary (MessagePack)",
                 id='not-msgpack'),
    pytest.param(msgpack.packb({'action': 'queue_list', 'body': b'raw'}),
                 True, "Can't decode binary (MessagePack)",
                 id='msgpack-bytes'),
    pytest.param(msgpack.packb({1: 2}, strict_types=False), True,
                 "Can't decode binary (MessagePack)",
                 id='msgpack-int-key'),
    pytest.param(b'[1, 2]', False, 'Expected dict', id='json-array'),
    pytest.param(msgpack.packb('text'), True, 'Expected dict',
                 id='msgpack-string'),
    pytest.param(b'{"action": "queue_explode"}', False,
                 '`queue_explode` is not a valid action', id='unknown-action'),
    pytest.param(msgpack.packb({'action': 7}), True,
                 '`7` is not a valid action', id='action-not-a-string'),
]


@pytest.mark.parametrize('payload, binary, error', BAD_FRAMES)
def test_a_bad_frame_gets_an_error_and_the_connection_goes_on(
        ws_server, project, payload, binary, error):
    with WsClient(ws_server.url, project, binary=binary) as conn:
        reply = conn.send_raw(payload, binary)
        assert status(reply) == 400
        assert error in reply['body']['error']
        assert reply['request']['api'] == 'v2'
        assert status(conn.call('queue_create', {'queue_name': 'ok'})) == 201


SCHEMA_FAILURES = [
    ('queue_create', {}, 'Missing "queue_name"'),
    ('queue_create', {'queue_name': 5}, '"queue_name" field must be'),
    ('queue_list', {'limit': '5'}, '"limit" field must be of type integer'),
    ('queue_list', {'limit': True}, '"limit" field must be of type integer'),
    ('queue_list', {'detailed': 'yes'}, '"detailed" field must be'),
    ('queue_create', {'queue_name': 'q', 'metadata': [1]},
     '"metadata" field must be of type object'),
    ('message_post', {'queue_name': 'q'}, 'Missing "messages"'),
    ('message_post', {'queue_name': 'q', 'messages': {'body': 1}},
     '"messages" field must be of type array'),
    ('message_get', {'queue_name': 'q'}, 'Missing "message_id"'),
    ('message_get_many', {'queue_name': 'q', 'message_ids': 'a,b'},
     '"message_ids" field must be of type array'),
    ('claim_update', {'queue_name': 'q', 'claim_id': 'c', 'ttl': 1.5},
     '"ttl" field must be of type integer'),
]


@pytest.mark.parametrize('action, body, error', SCHEMA_FAILURES)
def test_missing_or_wrong_typed_fields_get_400(client, action, body, error):
    reply = client.call(action, body)
    assert status(reply) == 400, reply
    assert error in reply['body']['error']
    assert status(client.call('queue_list')) == 200


@pytest.mark.parametrize('doc', [
    {'action': 'queue_list', 'headers': [], 'body': {}},
    {'action': 'queue_list', 'headers': {}, 'body': 'text'},
], ids=['headers-not-object', 'body-not-object'])
def test_headers_and_body_must_be_objects(client, doc):
    reply = client.send_doc(doc)
    assert status(reply) == 400
    assert 'must be objects' in reply['body']['error']


@pytest.mark.parametrize('binary', ENCODINGS)
def test_an_oversized_frame_gets_an_error_and_the_connection_goes_on(
        ws_server, project, binary):
    with WsClient(ws_server.url, project, binary=binary) as conn:
        doc = conn.request('message_post', {'queue_name': 'big', 'messages': [
            {'body': 'x' * 70000}]})
        reply = conn.send_raw(_frame(doc, binary), binary)
        assert status(reply) == 400
        assert 'too large' in reply['body']['error']
        stats = conn.call('queue_get_stats', {'queue_name': 'big'})
        assert stats['body']['messages']['total'] == 0


def test_an_oversized_fragmented_message_is_refused(ws_server, project):
    with WsClient(ws_server.url, project) as conn:
        conn.ws.send_frame(websocket.ABNF.create_frame(
            'x' * 40000, websocket.ABNF.OPCODE_TEXT, fin=0))
        conn.ws.send_frame(websocket.ABNF.create_frame(
            'x' * 40000, websocket.ABNF.OPCODE_CONT, fin=1))
        reply = json.loads(conn.ws.recv())
        assert status(reply) == 400 and 'too large' in reply['body']['error']
        assert status(conn.call('queue_list')) == 200


def test_projects_are_isolated_across_connections(ws_server):
    with WsClient(ws_server.url, 'iso-a-' + uuid.uuid4().hex) as a, \
            WsClient(ws_server.url, 'iso-b-' + uuid.uuid4().hex) as b:
        ids = _post(a, 'shared-name', ['secret'])
        assert b.call('queue_list')['body']['queues'] == []
        assert b.call('message_list', {'queue_name': 'shared-name',
                                       'echo': True})['body'][
            'messages'] == []
        assert status(b.call('message_get', {
            'queue_name': 'shared-name', 'message_id': ids[0]})) == 404
        assert status(b.call('message_delete', {
            'queue_name': 'shared-name', 'message_id': ids[0]})) == 204
        assert status(b.call('claim_create', {
            'queue_name': 'shared-name'})) == 204
        assert status(b.call('queue_delete', {
            'queue_name': 'shared-name'})) == 204
        mine = a.call('message_get', {'queue_name': 'shared-name',
                                      'message_id': ids[0]})
        assert mine['body']['messages']['body'] == 'secret'


def test_pipelined_frames_are_answered_in_order(ws_server, project):
    """More frames than a connection queues before it stops reading: each
    gets its reply, in the order sent."""
    with WsClient(ws_server.url, project) as conn:
        count = 300
        for n in range(count):
            conn.ws.send(json.dumps(conn.request('message_post', {
                'queue_name': 'piped', 'messages': [{'body': n}]})))
        replies = [json.loads(conn.ws.recv()) for _ in range(count)]
        assert [r['request']['body']['messages'][0]['body']
                for r in replies] == list(range(count))
        assert {status(r) for r in replies} == {201}
        listed = conn.call('message_list', {'queue_name': 'piped',
                                            'echo': True, 'limit': 20})
        assert [m['body'] for m in listed['body']['messages']] == list(
            range(20))


def test_a_client_that_does_not_read_does_not_hold_up_the_others(
        ws_server, project):
    """Replies pile up for a client that does not read them (the server
    stops answering it, then stops reading it); another client is still
    answered at once, and the first gets every reply, in order, once it
    reads."""
    with WsClient(ws_server.url, project) as slow, \
            WsClient(ws_server.url, project) as other:
        for _ in range(4):
            _post(slow, 'wide', ['x' * 10000] * 5)
        count = 200  # about 40 MB of replies
        for _ in range(count):
            slow.ws.send(json.dumps(slow.request('message_list', {
                'queue_name': 'wide', 'echo': True, 'limit': 20})))
        started = time.monotonic()
        assert status(other.call('queue_get_stats', {
            'queue_name': 'wide'})) == 200
        assert time.monotonic() - started < 5.0
        replies = [json.loads(slow.ws.recv()) for _ in range(count)]
        assert {len(r['body']['messages']) for r in replies} == {20}
