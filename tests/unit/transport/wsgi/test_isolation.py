"""Projects are isolated: nothing of one project is visible to, or
changeable by, another, through any operation."""

import pytest

from tests.unit.transport.wsgi.httptest import JSON_PATCH
from tests.unit.transport.wsgi.httptest import assert_error
from tests.unit.transport.wsgi.httptest import snapshot

Q = '/v2/queues/shared'
MESSAGES = Q + '/messages'
CLAIMS = Q + '/claims'


@pytest.fixture
def owned(client, storage):
    """Project A's queue ``shared``: metadata, two free messages and one
    claimed. Returns ``(message_ids, claim_id, snapshot_of_A)``."""
    client.put(Q, json={'owner': 'a'})
    ids = client.post_messages('shared', 'claimed', 'free-1', 'free-2')
    claim_id, _ = client.claim('shared', limit=1)
    return ids, claim_id, snapshot(storage, client.project)


def test_another_project_sees_none_of_the_queues(other, owned):
    assert other.get('/v2/queues', params={'with_count': 'true'}).json == {
        'queues': [], 'links': [], 'count': 0}
    assert other.head(Q).status_code == 404
    assert 'owner' not in other.get(Q).json
    assert other.get(Q + '/stats').json == {
        'messages': {'claimed': 0, 'free': 0, 'total': 0}}


def test_another_project_sees_none_of_the_messages(other, owned):
    ids, claim_id, _ = owned
    assert other.get(MESSAGES, params={
        'include_claimed': 'true', 'include_delayed': 'true'}).json == {
        'messages': [], 'links': []}
    for message_id in ids:
        assert_error(other.get(MESSAGES + '/' + message_id), 404)
    assert_error(other.get(MESSAGES, params={'ids': ','.join(ids)}), 404)
    assert_error(other.get(CLAIMS + '/' + claim_id), 404)


def test_another_project_changes_none_of_the_queue(other, owned, client,
                                                   storage):
    *_, before = owned
    assert other.put(Q, json={'owner': 'b'}).status_code == 201
    assert other.get(Q).json['owner'] == 'b'
    ops = [{'op': 'replace', 'path': '/metadata/owner', 'value': 'c'}]
    assert other.patch(Q, json=ops, content_type=JSON_PATCH
                       ).status_code == 200
    assert other.post(Q + '/purge').status_code == 204
    assert other.delete(Q).status_code == 204
    assert snapshot(storage, client.project) == before
    assert client.get(Q).json['owner'] == 'a'


def test_patch_of_a_queue_only_another_project_has_is_404(other, owned,
                                                          client, storage):
    *_, before = owned
    ops = [{'op': 'add', 'path': '/metadata/x', 'value': 1}]
    assert_error(other.patch(Q, json=ops, content_type=JSON_PATCH), 404)
    assert snapshot(storage, client.project) == before


def test_another_project_deletes_none_of_the_messages(other, owned, client,
                                                      storage):
    ids, claim_id, before = owned
    for message_id in ids:
        assert other.delete(MESSAGES + '/' + message_id).status_code == 204
        assert other.delete(MESSAGES + '/' + message_id, params={
            'claim_id': claim_id}).status_code == 204
    assert other.delete(MESSAGES, params={'ids': ','.join(ids)}
                        ).status_code == 204
    assert other.delete(MESSAGES, params={'pop': 20}).json == {
        'messages': []}
    assert snapshot(storage, client.project) == before


def test_another_project_cannot_claim_or_touch_claims(other, owned, client,
                                                      storage):
    _, claim_id, before = owned
    assert other.post(CLAIMS, json={}).status_code == 204
    assert_error(other.patch(CLAIMS + '/' + claim_id, json={'ttl': 60}),
                 404)
    assert other.delete(CLAIMS + '/' + claim_id).status_code == 204
    assert snapshot(storage, client.project) == before
    assert client.get(CLAIMS + '/' + claim_id).json['ttl'] == 300


def test_same_queue_name_in_two_projects_are_two_queues(other, owned,
                                                        client, storage):
    ids, _, before = owned
    (theirs,) = other.post_messages('shared', 'b-message')
    assert snapshot(storage, client.project) == before
    assert_error(client.get(MESSAGES + '/' + theirs), 404)
    other_claim, claimed = other.claim('shared')
    assert [m['id'] for m in claimed] == [theirs]
    assert_error(client.get(CLAIMS + '/' + other_claim), 404)
    assert client.get(Q + '/stats').json['messages']['total'] == 3
    assert other.get(Q + '/stats').json['messages']['total'] == 1
    assert [q['name'] for q in other.get('/v2/queues').json['queues']] == [
        'shared']
