"""Claim routes: create, get, renew, release."""

import pytest

from tests.unit.transport.wsgi.httptest import assert_error

CLAIMS = '/v2/queues/q/claims'
MESSAGES = '/v2/queues/q/messages'


def test_claim_is_201_with_location_and_claimed_hrefs(client):
    ids = client.post_messages('q', 1, 2, 3)
    result = client.post(CLAIMS, params={'limit': 2},
                         json={'ttl': 120, 'grace': 60})
    assert result.status_code == 201
    location = result.headers['Location']
    assert location.startswith(CLAIMS + '/')
    claim_id = location.rsplit('/', 1)[1]
    messages = result.json['messages']
    assert [m['id'] for m in messages] == ids[:2]
    for message in messages:
        assert message.keys() == {'id', 'href', 'ttl', 'age', 'body'}
        assert message['href'] == '%s/%s?claim_id=%s' % (
            MESSAGES, message['id'], claim_id)


def test_claim_with_nothing_to_claim_is_204(client):
    result = client.post(CLAIMS, json={})
    assert result.status_code == 204
    assert result.content == b''
    client.post_messages('q', 1)
    client.claim('q')
    assert client.post(CLAIMS, json={}).status_code == 204


@pytest.mark.parametrize('body', [
    {'ttl': None, 'grace': None}, {}, None, {'ttl': None}, {'grace': None}])
def test_claim_null_or_absent_fields_mean_the_defaults(client, body):
    (message_id,) = client.post_messages('q', 1, ttl=60)
    result = client.post(CLAIMS, json=body)
    assert result.status_code == 201
    claim = client.get(result.headers['Location']).json
    assert claim['ttl'] == 300
    # The message now lives at least claim ttl + grace (300 + 60).
    message = client.get(MESSAGES + '/' + message_id).json
    assert message['ttl'] - message['age'] >= 360


def test_claim_extends_short_lived_messages(client, clock):
    (message_id,) = client.post_messages('q', 1, ttl=60)
    client.claim('q', ttl=100, grace=200)
    clock.advance(250)
    message = client.get(MESSAGES + '/' + message_id).json
    assert message['ttl'] - message['age'] >= 50


def test_claim_limit_defaults_to_10_and_is_1_to_20(client):
    client.post_messages('q', *range(30))
    assert len(client.post(CLAIMS, json={}).json['messages']) == 10
    assert len(client.post(CLAIMS, params={'limit': 20}, json={}).json[
        'messages']) == 20
    for limit in ('0', '21', 'x', '1.0', 'true'):
        assert_error(client.post(CLAIMS, params={'limit': limit},
                                 json={}), 400)


def test_claim_ttl_and_grace_ranges_and_types(client):
    client.post_messages('q', 1)
    bad = [{'ttl': 59}, {'ttl': 43201}, {'grace': 59}, {'grace': 43201},
           {'ttl': '120'}, {'ttl': 120.0}, {'ttl': True}, {'grace': '60'},
           {'grace': 60.5}, {'grace': False}, {'ttl': [120]},
           {'ttl': {}}]
    for body in bad:
        assert_error(client.post(CLAIMS, json=body), 400,
                     'Invalid API request')
    assert client.get('/v2/queues/q/stats').json['messages'][
        'claimed'] == 0
    for body in ({'ttl': 60, 'grace': 60}, {'ttl': 43200, 'grace': 43200}):
        result = client.post(CLAIMS, json=body)
        assert result.status_code == 201
        client.delete(result.headers['Location'])


def test_no_message_is_held_by_two_live_claims(client):
    ids = client.post_messages('q', *range(5))
    _, first = client.claim('q', limit=3)
    _, second = client.claim('q', limit=3)
    assert [m['id'] for m in first + second] == ids
    assert client.post(CLAIMS, json={}).status_code == 204


def test_get_claim_shape(client, clock):
    client.post_messages('q', 1, 2)
    claim_id, claimed = client.claim('q', ttl=120)
    clock.advance(10)
    result = client.get(CLAIMS + '/' + claim_id)
    assert result.status_code == 200
    claim = result.json
    assert claim.keys() == {'age', 'ttl', 'href', 'messages'}
    assert claim['ttl'] == 120
    assert claim['age'] == 10
    assert claim['href'] == CLAIMS + '/' + claim_id
    assert [m['id'] for m in claim['messages']] == [m['id'] for m in claimed]


def test_get_of_a_missing_or_expired_claim_is_404(client, clock):
    client.post_messages('q', 1)
    claim_id, _ = client.claim('q', ttl=60)
    assert_error(client.get(CLAIMS + '/nothing'), 404, 'Not found')
    clock.advance(60)
    assert_error(client.get(CLAIMS + '/' + claim_id), 404)


def test_patch_renews_the_claim(client, clock):
    (message_id,) = client.post_messages('q', 1, ttl=60)
    claim_id, _ = client.claim('q', ttl=60)
    clock.advance(50)
    result = client.patch(CLAIMS + '/' + claim_id,
                          json={'ttl': 600, 'grace': 120})
    assert result.status_code == 204
    clock.advance(500)
    claim = client.get(CLAIMS + '/' + claim_id).json
    assert claim['ttl'] == 600
    message = client.get(MESSAGES + '/' + message_id).json
    assert message['href'].endswith('?claim_id=' + claim_id)


def test_patch_of_a_missing_claim_is_404(client):
    client.post_messages('q', 1)
    assert_error(client.patch(CLAIMS + '/nothing', json={'ttl': 100}), 404)


def test_patch_with_bad_values_is_400_and_keeps_the_claim(client):
    client.post_messages('q', 1)
    claim_id, _ = client.claim('q', ttl=120)
    path = CLAIMS + '/' + claim_id
    for body in ({'ttl': 59}, {'ttl': 43201}, {'grace': 10},
                 {'ttl': '100'}, {'ttl': 1.5}, {'ttl': True}):
        assert_error(client.patch(path, json=body), 400)
    for body in ('[]', '', '{"ttl": 100', '"ttl"'):
        assert_error(client.patch(path, body=body), 400)
    assert client.get(path).json['ttl'] == 120


def test_delete_releases_the_messages(client, reader):
    client.post_messages('q', 1, 2)
    claim_id, _ = client.claim('q')
    assert reader.get(MESSAGES).json['messages'] == []
    assert client.delete(CLAIMS + '/' + claim_id).status_code == 204
    assert len(reader.get(MESSAGES).json['messages']) == 2
    assert_error(client.get(CLAIMS + '/' + claim_id), 404)
    _, again = client.claim('q')
    assert len(again) == 2


def test_delete_of_a_missing_claim_is_204(client):
    assert client.delete(CLAIMS + '/nothing').status_code == 204


def test_a_claim_id_of_another_queue_does_nothing_here(client):
    (message_id,) = client.post_messages('q', 1)
    client.post_messages('other', 2)
    claim_id, _ = client.claim('other')
    assert_error(client.get(CLAIMS + '/' + claim_id), 404)
    assert_error(client.patch(CLAIMS + '/' + claim_id, json={'ttl': 100}),
                 404)
    assert client.delete(CLAIMS + '/' + claim_id).status_code == 204
    other = '/v2/queues/other/claims/' + claim_id
    assert client.get(other).json['ttl'] == 300
    assert_error(client.delete(MESSAGES + '/' + message_id,
                               params={'claim_id': claim_id}), 400)
    assert client.get(MESSAGES + '/' + message_id).status_code == 200


def test_patch_with_null_or_absent_fields_uses_the_defaults(client):
    """Like a claim's creation (python-zaqarclient sends nulls there)."""
    client.post_messages('q', 1)
    claim_id, _ = client.claim('q', ttl=600)
    path = CLAIMS + '/' + claim_id
    for body in ({'ttl': None, 'grace': None}, {}):
        client.patch(path, json={'ttl': 600})
        assert client.patch(path, json=body).status_code == 204
        assert client.get(path).json['ttl'] == 300
