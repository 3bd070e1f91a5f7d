"""Client-ID and X-Project-ID: required on every ``/v2`` path, validated
before anything is read or written."""

import uuid

import pytest

from tests.unit.transport.wsgi.httptest import assert_error
from tests.unit.transport.wsgi.httptest import snapshot

#: One request per kind of route, each of which would change or reveal
#: something if the headers were not checked first.
ROUTES = [
    ('GET', '/v2'),
    ('GET', '/v2/ping'),
    ('GET', '/v2/health'),
    ('GET', '/v2/queues'),
    ('PUT', '/v2/queues/q'),
    ('DELETE', '/v2/queues/q'),
    ('POST', '/v2/queues/q/messages'),
    ('GET', '/v2/queues/q/messages'),
    ('POST', '/v2/queues/q/claims'),
    ('POST', '/v2/queues/q/purge'),
]
MESSAGES = '{"messages": [{"body": 1}]}'


@pytest.fixture
def populated(client, storage):
    """Project ``project-a`` has a queue with a message; returns its
    snapshot."""
    client.put('/v2/queues/q', json={'color': 'blue'})
    client.post_messages('q', 'hello')
    return snapshot(storage, client.project)


def _send(test_client, method, path, headers):
    return test_client.simulate_request(
        method, path, headers=dict(headers, **{
            'Content-Type': 'application/json'}),
        body=MESSAGES if method == 'POST' else None)


def test_missing_client_id_is_400(test_client, storage, populated):
    for method, path in ROUTES:
        error = assert_error(
            _send(test_client, method, path, {'X-Project-ID': 'project-a'}),
            400, 'Missing header value')
        assert error['description'] == 'The Client-Id header is required.'
    assert snapshot(storage, 'project-a') == populated


@pytest.mark.parametrize('client_id', [
    'not-a-uuid', '1234', 'g' * 32, uuid.uuid4().hex[:31], ''])
def test_malformed_client_id_is_400(test_client, storage, populated,
                                    client_id):
    for method, path in ROUTES:
        error = assert_error(_send(test_client, method, path, {
            'Client-ID': client_id, 'X-Project-ID': 'project-a'}), 400)
        assert error['description'] == 'Malformed hexadecimal UUID.'
    assert snapshot(storage, 'project-a') == populated


def test_missing_project_is_400(test_client, storage, populated):
    for method, path in ROUTES:
        assert_error(_send(test_client, method, path, {
            'Client-ID': uuid.uuid4().hex}), 400, 'Project-Id Missing')
    assert snapshot(storage, 'project-a') == populated
    assert storage.queues.count('') == 0


def test_empty_project_is_400(test_client, storage, populated):
    for method, path in ROUTES:
        assert_error(_send(test_client, method, path, {
            'Client-ID': uuid.uuid4().hex, 'X-Project-ID': ''}), 400,
            'Empty project header not allowed')
    assert storage.queues.count('') == 0


@pytest.mark.parametrize('project', ['p' * 257, 'tab\there', 'nul\x00'])
def test_invalid_project_is_400(test_client, storage, populated, project):
    for method, path in ROUTES:
        assert_error(_send(test_client, method, path, {
            'Client-ID': uuid.uuid4().hex, 'X-Project-ID': project}), 400)
    assert storage.queues.count(project) == 0
    assert snapshot(storage, 'project-a') == populated


def test_project_of_256_characters_is_accepted(test_client, storage):
    headers = {'Client-ID': uuid.uuid4().hex, 'X-Project-ID': 'p' * 256}
    result = test_client.simulate_put('/v2/queues/q', headers=headers)
    assert result.status_code == 201
    assert storage.queues.exists('p' * 256, 'q')


def test_dashed_and_dashless_client_ids_are_the_same_client(client,
                                                            test_client):
    """Echo filtering does not depend on how the uuid was written."""
    client_id = uuid.uuid4()
    client.client_id = client_id.hex
    client.post_messages('q', 'mine')
    result = test_client.simulate_get('/v2/queues/q/messages', headers={
        'Client-ID': str(client_id), 'X-Project-ID': client.project})
    assert result.status_code == 200
    assert result.json['messages'] == []
