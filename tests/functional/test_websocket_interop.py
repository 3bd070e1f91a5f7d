"""The websocket server with others: HTTP on the same data, and
python-zaqarclient's websocket transport."""

import json
import uuid

import pytest
from zaqarclient.queues import client as zaqar_client
from zaqarclient.transport import errors as client_errors

from tests.functional import servers
from tests.functional.test_websocket_support import WsClient, status


@pytest.fixture(scope='module')
def pair(tmp_path_factory):
    """A wsgi and a websocket server on the same SQLite file."""
    root = tmp_path_factory.mktemp('pair')
    database = root / 'shared.sqlite3'
    http_server = servers.ZaqarServer(root / 'wsgi', database=database)
    ws_server = servers.ZaqarServer(root / 'ws', transport='websocket',
                                    database=database)
    with http_server, ws_server:
        yield http_server, ws_server


def _http(server, method, path, project, body=None):
    return servers.call(server.port, method, path, project, body)


def test_a_message_posted_over_http_is_seen_over_the_websocket(pair,
                                                               project):
    http_server, ws_server = pair
    code, body = _http(http_server, 'POST', '/v2/queues/both/messages',
                       project, {'messages': [{'body': {'via': 'http'}}]})
    assert code == 201
    message_id = body['resources'][0].rsplit('/', 1)[1]
    with WsClient(ws_server.url, project) as conn:
        listed = conn.call('message_list', {'queue_name': 'both'})
        assert [(m['id'], m['body']) for m in listed['body']['messages']] \
            == [(message_id, {'via': 'http'})]
        claim = conn.call('claim_create', {'queue_name': 'both'})
        assert status(claim) == 201
    code, body = _http(http_server, 'GET',
                       '/v2/queues/both/messages/' + message_id, project)
    assert code == 200
    assert body['href'].endswith('?claim_id=' + claim['body']['claim_id'])


def test_a_message_posted_over_the_websocket_is_seen_over_http(pair,
                                                               project):
    http_server, ws_server = pair
    with WsClient(ws_server.url, project, binary=True) as conn:
        reply = conn.call('message_post', {'queue_name': 'back', 'messages': [
            {'body': ['via', 'ws'], 'ttl': 120}]})
        message_id = reply['body']['message_ids'][0]
    code, body = _http(http_server, 'GET', '/v2/queues/back/messages',
                       project)
    assert code == 200
    assert [(m['id'], m['body'], m['ttl']) for m in body['messages']] == [
        (message_id, ['via', 'ws'], 120)]
    code, _ = _http(http_server, 'GET', '/v2/queues/back/messages',
                    'other-' + project)
    assert code == 200 and _['messages'] == []


def _client(ws_server, project):
    # The websocket transport reads os_auth_token unconditionally, even
    # with the noauth backend.
    return zaqar_client.Client(ws_server.url, version=2, conf={
        'auth_opts': {'backend': 'noauth', 'options': {
            'os_project_id': project, 'os_auth_token': 'unused'}}})


def test_python_zaqarclient_authenticates_and_creates_a_queue(
        pair, project):
    _, ws_server = pair
    client = _client(ws_server, project)
    req, trans = client._request_and_transport()
    try:
        # The client's websocket transport drops request params, so the
        # queue name goes in the body, as Zaqar's websocket API reads it.
        req.operation = 'queue_create'
        req.content = json.dumps({'queue_name': 'from-client'})
        resp = trans.send(req)
        assert resp.status_code == 201
    finally:
        trans.cleanup()
    with WsClient(ws_server.url, project) as conn:
        assert [q['name'] for q in conn.call('queue_list')['body'][
            'queues']] == ['from-client']


def test_python_zaqarclient_sees_errors_as_its_exceptions(pair, project):
    _, ws_server = pair
    client = _client(ws_server, project)
    req, trans = client._request_and_transport()
    try:
        req.operation = 'queue_create'
        req.content = json.dumps({'queue_name': 'no spaces'})
        with pytest.raises(client_errors.MalformedRequest) as exc:
            trans.send(req)
        assert 'queue name' in str(exc.value)
        req.operation = 'message_get'
        req.content = json.dumps({'queue_name': 'q',
                                  'message_id': uuid.uuid4().hex})
        with pytest.raises(client_errors.ResourceNotFound):
            trans.send(req)
    finally:
        trans.cleanup()
