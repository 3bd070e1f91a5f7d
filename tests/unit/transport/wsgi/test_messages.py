"""Message routes: post, list, get by ids, delete by ids, pop, get and
delete one."""

from tests.unit.transport.wsgi.httptest import assert_error

MESSAGES = '/v2/queues/q/messages'


def _bodies(messages):
    return [message['body'] for message in messages]


def test_post_is_201_with_location_and_resources(client):
    result = client.post(MESSAGES, json={'messages': [
        {'body': {'event': 'start'}, 'ttl': 300},
        {'body': 'text', 'delay': 0}]})
    assert result.status_code == 201
    hrefs = result.json['resources']
    assert len(hrefs) == 2
    ids = [href.rsplit('/', 1)[1] for href in hrefs]
    assert hrefs == [MESSAGES + '/' + i for i in ids]
    assert result.headers['Location'] == MESSAGES + '?ids=' + ','.join(ids)
    assert client.head('/v2/queues/q').status_code == 204


def test_post_location_lists_the_posted_messages(client):
    result = client.post(MESSAGES, json={'messages': [{'body': 1},
                                                      {'body': 2}]})
    path, _, query = result.headers['Location'].partition('?')
    listed = client.test_client.simulate_get(
        path, query_string=query, headers=client.headers())
    assert listed.status_code == 200
    assert _bodies(listed.json['messages']) == [1, 2]
    assert 'links' not in listed.json


def test_listed_message_shape(reader, client, clock):
    (message_id,) = client.post_messages('q', {'k': [1, None]}, ttl=600)
    clock.advance(7)
    (message,) = reader.get(MESSAGES).json['messages']
    assert message == {'id': message_id, 'href': MESSAGES + '/' + message_id,
                       'ttl': 600, 'age': 7, 'body': {'k': [1, None]}}


def test_list_of_an_empty_queue_has_empty_links(client):
    for path in (MESSAGES, '/v2/queues/never/messages'):
        result = client.get(path)
        assert result.status_code == 200
        assert result.json == {'messages': [], 'links': []}


def test_list_follows_links_in_fifo_order_to_the_end(client, reader):
    for first in range(0, 25, 5):
        client.post_messages('q', *range(first, first + 5))
    pages = reader.follow(MESSAGES, 'messages', limit=7)
    assert [len(page) for page in pages] == [7, 7, 7, 4]
    assert [_bodies(page) for page in pages] == [
        list(range(0, 7)), list(range(7, 14)), list(range(14, 21)),
        list(range(21, 25))]


def test_list_page_size_defaults_to_10_and_limit_is_1_to_20(client, reader):
    client.post_messages('q', *range(25))
    assert len(reader.get(MESSAGES).json['messages']) == 10
    assert len(reader.get(MESSAGES, params={'limit': 20}).json[
        'messages']) == 20
    for limit in ('0', '21', 'ten', '1.5', 'true', '1_0', ' 5'):
        assert_error(reader.get(MESSAGES, params={'limit': limit}), 400)


def test_echo_false_hides_the_clients_own_messages(client, reader):
    client.post_messages('q', 'mine')
    assert client.get(MESSAGES).json['messages'] == []
    assert client.get(MESSAGES, params={'echo': 'false'}).json[
        'messages'] == []
    assert _bodies(client.get(MESSAGES, params={'echo': 'true'}).json[
        'messages']) == ['mine']
    assert _bodies(reader.get(MESSAGES).json['messages']) == ['mine']


def test_echo_is_kept_in_next_links(client):
    client.post_messages('q', *range(3))
    pages = client.follow(MESSAGES, 'messages', echo='true', limit=2)
    assert [_bodies(page) for page in pages] == [[0, 1], [2]]


def test_claimed_messages_are_hidden_unless_include_claimed(client, reader):
    client.post_messages('q', 1, 2)
    claim_id, _ = client.claim('q', limit=1)
    assert _bodies(reader.get(MESSAGES).json['messages']) == [2]
    result = reader.get(MESSAGES, params={'include_claimed': 'true'})
    first, second = result.json['messages']
    assert first['href'] == '%s/%s?claim_id=%s' % (MESSAGES, first['id'],
                                                   claim_id)
    assert second['href'] == '%s/%s' % (MESSAGES, second['id'])
    pages = reader.follow(MESSAGES, 'messages', include_claimed='true',
                          limit=1)
    assert [_bodies(page) for page in pages] == [[1], [2]]


def test_delayed_messages_are_hidden_unless_include_delayed(client, reader,
                                                            clock):
    client.post_messages('q', 'now')
    client.post_messages('q', 'later', delay=60)
    assert _bodies(reader.get(MESSAGES).json['messages']) == ['now']
    pages = reader.follow(MESSAGES, 'messages', include_delayed='true',
                          limit=1)
    assert [_bodies(page) for page in pages] == [['now'], ['later']]
    clock.advance(60)
    assert _bodies(reader.get(MESSAGES).json['messages']) == ['now',
                                                              'later']


def test_bad_boolean_parameters_are_400(client):
    for name in ('echo', 'include_claimed', 'include_delayed'):
        assert_error(client.get(MESSAGES, params={name: 'maybe'}), 400)


def test_any_marker_is_accepted_and_garbage_starts_over(client, reader):
    client.post_messages('q', 1, 2)
    result = reader.get(MESSAGES, params={'marker': 'garbage'})
    assert _bodies(result.json['messages']) == [1, 2]
    for marker in ('-5', '9' * 1000, '\u2713', "1' OR '1'='1"):
        result = reader.get(MESSAGES, params={'marker': marker})
        assert result.status_code == 200
        assert set(_bodies(result.json['messages'])) <= {1, 2}


def test_get_one_message(client, clock):
    (message_id,) = client.post_messages('q', 'hello', ttl=120)
    clock.advance(3)
    result = client.get(MESSAGES + '/' + message_id)
    assert result.status_code == 200
    assert result.json == {'id': message_id,
                           'href': MESSAGES + '/' + message_id,
                           'ttl': 120, 'age': 3, 'body': 'hello'}


def test_get_one_claimed_message_carries_its_claim_in_href(client):
    (message_id,) = client.post_messages('q', 'hello')
    claim_id, _ = client.claim('q')
    result = client.get(MESSAGES + '/' + message_id)
    assert result.json['href'] == '%s/%s?claim_id=%s' % (
        MESSAGES, message_id, claim_id)


def test_get_of_a_missing_or_expired_message_is_404(client, clock):
    (message_id,) = client.post_messages('q', 'short', ttl=60)
    assert_error(client.get(MESSAGES + '/nothing'), 404, 'Not found')
    clock.advance(60)
    assert_error(client.get(MESSAGES + '/' + message_id), 404)


def test_get_by_ids_returns_the_found_ones_in_fifo_order(client):
    ids = client.post_messages('q', 1, 2, 3)
    result = client.get(MESSAGES, params={
        'ids': ','.join([ids[2], 'unknown', ids[0]])})
    assert result.status_code == 200
    assert result.json.keys() == {'messages'}
    assert _bodies(result.json['messages']) == [1, 3]


def test_get_by_ids_when_none_exists_is_404(client):
    client.post_messages('q', 1)
    assert_error(client.get(MESSAGES, params={'ids': 'a,b'}), 404)


def test_ids_must_be_1_to_20(client):
    ids = client.post_messages('q', *range(21))
    assert client.get(MESSAGES, params={'ids': ','.join(ids[:20])}
                      ).status_code == 200
    for value in (','.join(ids), '', ','):
        assert_error(client.get(MESSAGES, params={'ids': value}), 400)
        assert_error(client.delete(MESSAGES, params={'ids': value}), 400)
    assert client.get('/v2/queues/q/stats').json['messages']['total'] == 21


def test_delete_by_ids_ignores_unknown_ids(client, reader):
    ids = client.post_messages('q', 1, 2, 3)
    result = client.delete(MESSAGES, params={
        'ids': ','.join([ids[0], 'unknown', ids[2]])})
    assert result.status_code == 204
    assert _bodies(reader.get(MESSAGES).json['messages']) == [2]


def test_delete_by_ids_with_claim_ids_needs_the_holding_claim(client):
    ids = client.post_messages('q', 1, 2)
    claim_id, _ = client.claim('q', limit=1)
    both = ','.join(ids)
    assert_error(client.delete(MESSAGES, params={
        'ids': both, 'claim_ids': claim_id}), 400)
    assert client.get('/v2/queues/q/stats').json['messages']['total'] == 2
    assert client.delete(MESSAGES, params={
        'ids': ids[0], 'claim_ids': claim_id}).status_code == 204
    assert client.get('/v2/queues/q/stats').json['messages']['total'] == 1


def test_pop_takes_and_deletes_free_messages_oldest_first(client, reader):
    ids = client.post_messages('q', 1, 2, 3)
    result = client.delete(MESSAGES, params={'pop': 2})
    assert result.status_code == 200
    popped = result.json['messages']
    assert [m['id'] for m in popped] == ids[:2]
    for message in popped:
        assert message.keys() == {'id', 'age', 'ttl', 'body', 'claim_id',
                                  'claim_count'}
    assert _bodies(popped) == [1, 2]
    assert _bodies(reader.get(MESSAGES).json['messages']) == [3]


def test_pop_skips_claimed_messages(client):
    client.post_messages('q', 1, 2)
    client.claim('q', limit=1)
    popped = client.delete(MESSAGES, params={'pop': 5}).json['messages']
    assert _bodies(popped) == [2]
    assert client.delete(MESSAGES, params={'pop': 5}).json == {
        'messages': []}


def test_pop_must_be_1_to_20(client):
    client.post_messages('q', 1)
    for pop in ('0', '21', '-1', 'x', '2.0'):
        assert_error(client.delete(MESSAGES, params={'pop': pop}), 400)
    assert client.get('/v2/queues/q/stats').json['messages']['total'] == 1


def test_delete_needs_exactly_one_of_ids_and_pop(client):
    (message_id,) = client.post_messages('q', 1)
    assert_error(client.delete(MESSAGES), 400)
    assert_error(client.delete(MESSAGES, params={'ids': message_id,
                                                 'pop': 1}), 400)
    assert client.get('/v2/queues/q/stats').json['messages']['total'] == 1


def test_delete_one_message(client):
    (message_id,) = client.post_messages('q', 1)
    assert client.delete(MESSAGES + '/' + message_id).status_code == 204
    assert_error(client.get(MESSAGES + '/' + message_id), 404)
    assert client.delete(MESSAGES + '/' + message_id).status_code == 204


def test_delete_of_a_claimed_message_needs_its_claim_id(client, clock):
    (message_id,) = client.post_messages('q', 1)
    claim_id, _ = client.claim('q', ttl=60)
    path = MESSAGES + '/' + message_id
    assert_error(client.delete(path), 403, 'Unable to delete')
    assert_error(client.delete(path, params={'claim_id': 'wrong'}), 400,
                 'Unable to delete')
    assert client.get(path).status_code == 200
    assert client.delete(path, params={'claim_id': claim_id}
                         ).status_code == 204
    assert_error(client.get(path), 404)


def test_delete_with_an_expired_claim_id_is_400(client, clock):
    (message_id,) = client.post_messages('q', 1)
    claim_id, _ = client.claim('q', ttl=60)
    clock.advance(61)
    path = MESSAGES + '/' + message_id
    assert_error(client.delete(path, params={'claim_id': claim_id}), 400)
    assert client.get(path).status_code == 200
    assert client.delete(path).status_code == 204


def test_delete_with_a_claim_id_of_an_unclaimed_message_is_400(client):
    (message_id,) = client.post_messages('q', 1)
    path = MESSAGES + '/' + message_id
    assert_error(client.delete(path, params={'claim_id': 'abc'}), 400)
    assert client.get(path).status_code == 200


def test_message_ttl_and_delay_defaults_and_ranges(client, reader):
    (message_id,) = client.post_messages('q', 'defaults')
    assert client.get(MESSAGES + '/' + message_id).json['ttl'] == 3600
    for field, value in (('ttl', 60), ('ttl', 1209600), ('delay', 0),
                         ('delay', 900)):
        assert client.post(MESSAGES, json={'messages': [
            {'body': 1, field: value}]}).status_code == 201
    total = client.get('/v2/queues/q/stats').json['messages']['total']
    for field, value in (('ttl', 59), ('ttl', 1209601), ('ttl', '60'),
                         ('ttl', 60.0), ('ttl', True), ('ttl', None),
                         ('ttl', []), ('delay', -1), ('delay', 901),
                         ('delay', '0'), ('delay', 1.5), ('delay', False),
                         ('delay', None)):
        assert_error(client.post(MESSAGES, json={'messages': [
            {'body': 1, field: value}]}), 400, 'Invalid API request')
    assert client.get('/v2/queues/q/stats').json['messages'][
        'total'] == total


def test_a_batch_is_stored_whole_or_not_at_all(client):
    client.post_messages('q', 'before')
    result = client.post(MESSAGES, json={'messages': [
        {'body': 'fine'}, {'body': 'bad', 'ttl': 1}]})
    assert_error(result, 400)
    result = client.get(MESSAGES, params={'echo': 'true'})
    assert _bodies(result.json['messages']) == ['before']


def test_any_json_body_round_trips(client):
    bodies = [None, 0, -2 ** 63, 2 ** 63 - 1, 1.5, '', 'é✓', [], {},
              {'nested': {'list': [1, {'a': None}]}}, True]
    ids = client.post_messages('q', *bodies)
    result = client.get(MESSAGES, params={'ids': ','.join(ids)})
    assert _bodies(result.json['messages']) == bodies


def test_ids_may_be_repeated_as_python_zaqarclient_sends_them(client,
                                                              reader):
    ids = client.post_messages('q', 1, 2, 3)
    result = client.get(MESSAGES, params={'ids': ids[:2]})
    assert _bodies(result.json['messages']) == [1, 2]
    assert client.delete(MESSAGES, params={'ids': ids[1:]}
                         ).status_code == 204
    assert _bodies(reader.get(MESSAGES).json['messages']) == [1]
