"""Queue routes: list, create, exists, get, patch, delete, stats, purge."""

import re

from tests.unit.transport.wsgi.httptest import JSON_PATCH
from tests.unit.transport.wsgi.httptest import assert_error

DEFAULTS = {
    '_max_messages_post_size': 262144,
    '_default_message_ttl': 3600,
    '_default_message_delay': 0,
    '_dead_letter_queue': None,
    '_dead_letter_queue_messages_ttl': None,
    '_max_claim_count': None,
    '_enable_encrypt_messages': False,
}


def _patch(client, queue, ops, content_type=JSON_PATCH):
    return client.patch('/v2/queues/' + queue, json=ops,
                        content_type=content_type)


def test_put_creates_with_201_then_204_and_location(client):
    first = client.put('/v2/queues/fizbit')
    assert first.status_code == 201
    assert first.headers['Location'] == '/v2/queues/fizbit'
    again = client.put('/v2/queues/fizbit')
    assert again.status_code == 204
    assert again.headers['Location'] == '/v2/queues/fizbit'


def test_put_keeps_the_metadata_of_an_existing_queue(client):
    client.put('/v2/queues/q', json={'color': 'blue'})
    assert client.put('/v2/queues/q', json={'color': 'red'}).status_code \
        == 204
    assert client.get('/v2/queues/q').json['color'] == 'blue'


def test_get_merges_metadata_with_the_reserved_defaults(client):
    client.put('/v2/queues/q', json={'color': 'blue',
                                     '_default_message_ttl': 120})
    result = client.get('/v2/queues/q')
    assert result.status_code == 200
    assert result.json == dict(DEFAULTS, color='blue',
                               _default_message_ttl=120)


def test_get_of_a_missing_queue_is_lazy_and_answers_the_defaults(client):
    result = client.get('/v2/queues/never-created')
    assert result.status_code == 200
    assert result.json == DEFAULTS
    assert client.head('/v2/queues/never-created').status_code == 404


def test_head_is_204_for_an_existing_queue_and_404_otherwise(client):
    assert client.head('/v2/queues/q').status_code == 404
    client.put('/v2/queues/q')
    result = client.head('/v2/queues/q')
    assert result.status_code == 204
    assert result.content == b''
    client.post_messages('posted-to', 'x')
    assert client.head('/v2/queues/posted-to').status_code == 204


def test_list_of_no_queues_has_empty_links(client):
    result = client.get('/v2/queues')
    assert result.status_code == 200
    assert result.json == {'queues': [], 'links': []}


def test_list_follows_next_links_to_the_end_in_name_order(client):
    names = ['q%02d' % i for i in range(25)]
    for name in reversed(names):
        client.put('/v2/queues/' + name)
    pages = client.follow('/v2/queues', 'queues', limit=10)
    assert [len(page) for page in pages] == [10, 10, 5]
    listed = [queue for page in pages for queue in page]
    assert [queue['name'] for queue in listed] == names
    for queue in listed:
        assert queue == {'name': queue['name'],
                         'href': '/v2/queues/' + queue['name']}


def test_list_default_page_size_is_10_and_limit_20_is_the_maximum(client):
    for i in range(25):
        client.put('/v2/queues/q%02d' % i)
    assert len(client.get('/v2/queues').json['queues']) == 10
    result = client.get('/v2/queues', params={'limit': 20})
    assert len(result.json['queues']) == 20
    for limit in (0, 21, -1):
        assert_error(client.get('/v2/queues', params={'limit': limit}),
                     400, 'Invalid API request')


def test_list_detailed_adds_the_stored_metadata(client):
    client.put('/v2/queues/a', json={'color': 'blue'})
    client.put('/v2/queues/b')
    pages = client.follow('/v2/queues', 'queues', detailed='true')
    assert pages == [[
        {'name': 'a', 'href': '/v2/queues/a', 'metadata': {'color': 'blue'}},
        {'name': 'b', 'href': '/v2/queues/b', 'metadata': {}}]]


def test_list_with_count_counts_every_queue_of_the_project(client):
    for i in range(12):
        client.put('/v2/queues/q%02d' % i)
    result = client.get('/v2/queues', params={'with_count': 'true',
                                              'limit': 5})
    assert result.json['count'] == 12
    assert len(result.json['queues']) == 5
    assert 'count' not in client.get('/v2/queues').json


def test_patch_adds_replaces_and_removes_keys(client):
    client.put('/v2/queues/q', json={'a': 1, 'b': 2})
    result = _patch(client, 'q', [
        {'op': 'add', 'path': '/metadata/c', 'value': [3]},
        {'op': 'replace', 'path': '/metadata/a', 'value': 'one'},
        {'op': 'remove', 'path': '/metadata/b'}])
    assert result.status_code == 200
    assert result.json == dict(DEFAULTS, a='one', c=[3])
    assert client.get('/v2/queues/q').json == result.json


def test_patch_can_replace_a_reserved_default(client):
    client.put('/v2/queues/q')
    result = _patch(client, 'q', [{'op': 'replace',
                                   'path': '/metadata/_default_message_ttl',
                                   'value': 90}])
    assert result.status_code == 200
    assert result.json['_default_message_ttl'] == 90
    (message_id,) = client.post_messages('q', 'x')
    assert client.get('/v2/queues/q/messages/' + message_id).json[
        'ttl'] == 90


def test_patch_content_type_is_case_insensitive_and_takes_parameters(
        client):
    client.put('/v2/queues/q')
    ops = [{'op': 'add', 'path': '/metadata/b', 'value': 2}]
    for content_type in (JSON_PATCH.upper(), JSON_PATCH + '; charset=utf-8'):
        assert _patch(client, 'q', ops, content_type).status_code == 200


def test_patch_requires_the_json_patch_content_type(client):
    client.put('/v2/queues/q', json={'a': 1})
    ops = [{'op': 'add', 'path': '/metadata/b', 'value': 2}]
    for content_type in ('application/json', 'text/plain',
                         'application/json-patch+json'):
        assert_error(_patch(client, 'q', ops, content_type), 415)
    assert client.get('/v2/queues/q').json == dict(DEFAULTS, a=1)


def test_patch_with_bad_operations_is_400_and_changes_nothing(client):
    client.put('/v2/queues/q', json={'a': 1})
    bad = [
        [],
        {'op': 'add', 'path': '/metadata/b', 'value': 2},
        [{'op': 'move', 'path': '/metadata/a', 'value': 2}],
        [{'op': 'add', 'path': '/a', 'value': 2}],
        [{'op': 'add', 'path': '/metadata/', 'value': 2}],
        [{'op': 'add', 'path': '/metadata/b'}],
        [{'path': '/metadata/b', 'value': 2}],
        ['add'],
        [{'op': 'add', 'path': '/metadata/b', 'value': 2}, 'junk'],
        [{'op': 'add', 'path': '/metadata/_default_message_ttl',
          'value': 5}],
    ]
    for ops in bad:
        assert_error(_patch(client, 'q', ops), 400)
    assert client.get('/v2/queues/q').json == dict(DEFAULTS, a=1)


def test_patch_replace_or_remove_of_a_missing_key_is_409(client):
    client.put('/v2/queues/q', json={'a': 1})
    for op in ('replace', 'remove'):
        ops = [{'op': 'add', 'path': '/metadata/b', 'value': 2},
               {'op': op, 'path': '/metadata/missing', 'value': 1}]
        assert_error(_patch(client, 'q', ops), 409, 'Resource conflict')
    assert client.get('/v2/queues/q').json == dict(DEFAULTS, a=1)


def test_patch_of_a_missing_queue_is_404(client):
    ops = [{'op': 'add', 'path': '/metadata/b', 'value': 2}]
    assert_error(_patch(client, 'nothing', ops), 404, 'Not found')
    assert client.head('/v2/queues/nothing').status_code == 404


def test_delete_is_204_and_takes_messages_and_claims(client):
    client.put('/v2/queues/q', json={'a': 1})
    client.post_messages('q', 1, 2)
    claim_id, _ = client.claim('q')
    result = client.delete('/v2/queues/q')
    assert result.status_code == 204
    assert client.head('/v2/queues/q').status_code == 404
    assert_error(client.get('/v2/queues/q/claims/' + claim_id), 404)
    client.put('/v2/queues/q')
    assert client.get('/v2/queues/q').json == DEFAULTS
    assert client.get('/v2/queues/q/messages', params={
        'echo': 'true', 'include_claimed': 'true'}).json['messages'] == []


def test_delete_of_a_missing_queue_is_204(client):
    assert client.delete('/v2/queues/nothing').status_code == 204


def test_stats_of_a_missing_queue_are_zeros(client):
    result = client.get('/v2/queues/nothing/stats')
    assert result.status_code == 200
    assert result.json == {'messages': {'claimed': 0, 'free': 0,
                                        'total': 0}}


def test_stats_count_messages_and_show_oldest_and_newest(client, clock):
    first, *_ = client.post_messages('q', 1, 2)
    clock.advance(30)
    *_, last = client.post_messages('q', 3)
    client.claim('q', limit=1)
    clock.advance(5)
    figures = client.get('/v2/queues/q/stats').json['messages']
    assert {k: figures[k] for k in ('claimed', 'free', 'total')} == {
        'claimed': 1, 'free': 2, 'total': 3}
    assert figures['oldest']['href'] == '/v2/queues/q/messages/' + first
    assert figures['oldest']['age'] == 35
    assert figures['newest']['href'] == '/v2/queues/q/messages/' + last
    assert figures['newest']['age'] == 5
    for end in ('oldest', 'newest'):
        assert re.fullmatch(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ',
                            figures[end]['created'])


def test_purge_deletes_messages_and_keeps_the_queue(client):
    client.put('/v2/queues/q', json={'a': 1})
    client.post_messages('q', 1, 2)
    claim_id, _ = client.claim('q', limit=1)
    result = client.post('/v2/queues/q/purge',
                         json={'resource_types': ['messages']})
    assert result.status_code == 204
    assert client.get('/v2/queues/q/stats').json['messages']['total'] == 0
    assert client.get('/v2/queues/q').json == dict(DEFAULTS, a=1)
    assert_error(client.get('/v2/queues/q/claims/' + claim_id), 404)


def test_purge_without_a_body_purges_messages(client):
    client.post_messages('q', 1)
    assert client.post('/v2/queues/q/purge').status_code == 204
    assert client.get('/v2/queues/q/stats').json['messages']['total'] == 0


def test_purge_of_subscriptions_only_keeps_messages(client):
    client.post_messages('q', 1)
    result = client.post('/v2/queues/q/purge',
                         json={'resource_types': ['subscriptions']})
    assert result.status_code == 204
    assert client.get('/v2/queues/q/stats').json['messages']['total'] == 1


def test_purge_with_bad_resource_types_is_400(client):
    client.post_messages('q', 1)
    for types in ('messages', ['queues'], [{}], [['messages']], 1):
        assert_error(client.post('/v2/queues/q/purge',
                                 json={'resource_types': types}), 400)
    assert client.get('/v2/queues/q/stats').json['messages']['total'] == 1


def test_reserved_settings_stored_as_null_mean_the_defaults(client):
    client.put('/v2/queues/q', json={'_default_message_ttl': None,
                                     '_default_message_delay': None,
                                     '_max_messages_post_size': None})
    (message_id,) = client.post_messages('q', 'x')
    message = client.get('/v2/queues/q/messages/' + message_id).json
    assert message['ttl'] == 3600


def test_queue_post_size_limit_applies_to_posts(client):
    client.put('/v2/queues/q', json={'_max_messages_post_size': 100})
    result = client.post('/v2/queues/q/messages',
                         json={'messages': [{'body': 'x' * 100}]})
    assert_error(result, 400)
    assert client.get('/v2/queues/q/stats').json['messages']['total'] == 0
    assert client.post_messages('q', 'small')
