"""python-zaqarclient against a real zaqar-lite-server in wsgi mode.

Everything the issue asks a client user to be able to do, through the
official client as an application would use it.
"""

import pytest
from zaqarclient.queues import client as zaqar_client


@pytest.fixture
def client(wsgi_server, project):
    return zaqar_client.Client(wsgi_server.url, version=2, conf={
        'auth_opts': {'backend': 'noauth',
                      'options': {'os_project_id': project}}})


@pytest.fixture
def queue(client):
    return client.queue('jobs', force_create=True)


def post(queue, count, start=0, **fields):
    queue.post([dict({'body': {'n': n}}, **fields)
                for n in range(start, start + count)])


def bodies(messages):
    return [m.body['n'] for m in messages]


def test_create_queue_and_exists_true_and_false(client, queue):
    assert queue.exists()
    assert not client.queue('never-made', auto_create=False).exists()


def test_metadata_get_and_update(client, queue):
    assert queue.metadata()['_default_message_ttl'] == 3600
    queue.metadata(new_meta={'colour': 'blue', 'size': 3})
    fresh = client.queue('jobs', auto_create=False)
    assert fresh.metadata(force_reload=True)['colour'] == 'blue'
    queue.metadata(new_meta={'colour': 'red'})
    meta = fresh.metadata(force_reload=True)
    assert meta['colour'] == 'red' and 'size' not in meta


def test_stats_count_free_and_claimed(queue):
    post(queue, 5)
    queue.claim(limit=2, ttl=60, grace=60)
    stats = queue.stats['messages']
    assert (stats['total'], stats['claimed'], stats['free']) == (5, 2, 3)
    assert stats['oldest']['href'].startswith('/v2/queues/jobs/messages/')


def test_post_then_list_follows_paging_links_in_order(queue):
    post(queue, 25)
    listed = list(queue.messages(echo=True).stream())
    assert bodies(listed) == list(range(25))


def test_list_without_echo_hides_own_messages(client, project, queue):
    post(queue, 3)
    assert list(queue.messages()) == []
    other = zaqar_client.Client(client.api_url, version=2, conf={
        'auth_opts': {'backend': 'noauth',
                      'options': {'os_project_id': project}}})
    seen = other.queue('jobs', auto_create=False).messages()
    assert bodies(seen) == [0, 1, 2]


def test_get_by_id_and_by_ids(queue):
    post(queue, 3)
    listed = list(queue.messages(echo=True))
    assert queue.message(listed[1].id).body == {'n': 1}
    many = queue.messages(listed[0].id, listed[2].id)
    assert sorted(bodies(many)) == [0, 2]


def test_claim_with_no_arguments_uses_defaults(queue):
    post(queue, 3)
    claim = queue.claim()
    assert bodies(claim) == [0, 1, 2]
    assert claim.ttl == 300


def test_claim_update_and_delete_releases(queue):
    post(queue, 4)
    claim = queue.claim(limit=4, ttl=60, grace=60)
    claim.update(ttl=120, grace=90)
    assert list(queue.claim(ttl=60, grace=60)) == []
    assert queue.stats['messages']['free'] == 0
    claim.delete()
    assert queue.stats['messages']['free'] == 4


def test_nothing_to_claim_gives_an_empty_claim(queue):
    assert list(queue.claim(limit=5, ttl=60, grace=60)) == []


def test_delete_claimed_message_with_its_claim_id(queue):
    post(queue, 2)
    claimed = list(queue.claim(limit=2, ttl=60, grace=60))
    for message in claimed:
        message.delete()
    assert queue.stats['messages']['total'] == 0


def test_pop_takes_oldest_free_messages(queue):
    post(queue, 5)
    popped = queue.pop(count=3)
    assert bodies(popped) == [0, 1, 2]
    assert queue.stats['messages']['total'] == 2


def test_bulk_delete(queue):
    post(queue, 4)
    listed = list(queue.messages(echo=True))
    queue.delete_messages(listed[0].id, listed[3].id)
    assert bodies(queue.messages(echo=True)) == [1, 2]


def test_purge_empties_and_keeps_the_queue(queue):
    post(queue, 3)
    queue.purge()
    assert queue.stats['messages']['total'] == 0
    assert queue.exists()


def test_delete_queue_removes_it_and_its_messages(client, queue):
    post(queue, 3)
    queue.delete()
    assert not queue.exists()
    assert client.queue('jobs', auto_create=False).stats[
        'messages']['total'] == 0


def test_queue_listing_pages_with_count(client):
    for n in range(12):
        client.queue('q-%02d' % n, force_create=True)
    page, count = client.queues(limit=5, with_count=True)
    names = [q.name for q in page.stream()]
    assert count == 12
    assert names == ['q-%02d' % n for n in range(12)]


def test_ping_and_health(client):
    assert client.ping() is True
    health = client.health()
    assert health['storage_reachable'] is True
    assert all(op['succeeded']
               for op in health['operation_status'].values())


def test_projects_are_isolated(wsgi_server, queue):
    post(queue, 2)
    other = zaqar_client.Client(wsgi_server.url, version=2, conf={
        'auth_opts': {'backend': 'noauth',
                      'options': {'os_project_id': 'someone-else'}}})
    assert not other.queue('jobs', auto_create=False).exists()
    assert other.queue('jobs', auto_create=False).stats[
        'messages']['total'] == 0
