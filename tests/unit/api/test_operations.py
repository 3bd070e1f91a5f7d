"""The v2 operations, transport-neutral, on a real store."""

import pytest

from zaqar_lite.api import context
from zaqar_lite.api import errors


def test_post_size_is_checked_against_the_queue_limit(api, ctx):
    api.queues.create(ctx, 'q', {'_max_messages_post_size': 50})
    with pytest.raises(errors.BadRequest):
        api.messages.post(ctx, 'q', [{'body': 1}], size=51)
    assert api.messages.post(ctx, 'q', [{'body': 1}], size=50)
    assert api.messages.post(ctx, 'q', [{'body': 1}])


def test_post_applies_the_queue_defaults(api, ctx):
    api.queues.create(ctx, 'q', {'_default_message_ttl': 120})
    (message_id,) = api.messages.post(ctx, 'q', [{'body': 'x'}])
    assert api.messages.get(ctx, 'q', message_id)['ttl'] == 120


def test_post_refuses_null_ttl_and_delay(api, ctx):
    for message in ({'body': 1, 'ttl': None}, {'body': 1, 'delay': None}):
        with pytest.raises(errors.BadRequest):
            api.messages.post(ctx, 'q', [message])
    assert not api.queues.exists(ctx, 'q')


def test_claim_with_null_ttl_and_grace_uses_the_defaults(api, ctx):
    api.messages.post(ctx, 'q', [{'body': 1}])
    claim_id, messages = api.claims.create(ctx, 'q', ttl=None, grace=None,
                                           limit=None)
    assert len(messages) == 1
    assert api.claims.get(ctx, 'q', claim_id)['ttl'] == 300
    api.claims.update(ctx, 'q', claim_id, ttl=None, grace=None)
    assert api.claims.get(ctx, 'q', claim_id)['ttl'] == 300


def test_claim_with_nothing_free(api, ctx):
    assert api.claims.create(ctx, 'q') == (None, [])


def test_get_many_of_unknown_ids_is_not_found(api, ctx):
    with pytest.raises(errors.NotFound):
        api.messages.get_many(ctx, 'q', ['a'])


@pytest.mark.parametrize('count', [0, 21, None, '1', True])
def test_pop_count_must_be_1_to_20(api, ctx, count):
    with pytest.raises(errors.BadRequest):
        api.messages.pop(ctx, 'q', count)


def test_patch_of_a_missing_queue_is_not_found(api, ctx):
    with pytest.raises(errors.NotFound):
        api.queues.patch(ctx, 'q', [{'op': 'add', 'path': '/metadata/a',
                                     'value': 1}])


def test_operations_are_scoped_to_the_project(api, ctx):
    other = context.make_context(ctx.client_id, 'other')
    api.queues.create(ctx, 'q', {'a': 1})
    (message_id,) = api.messages.post(ctx, 'q', [{'body': 1}])
    assert api.queues.list(other)['queues'] == []
    assert api.queues.get(other, 'q') == api.queues.reserved_defaults()
    with pytest.raises(errors.NotFound):
        api.messages.get(other, 'q', message_id)
    api.messages.delete_many(other, 'q', [message_id])
    assert api.messages.get(ctx, 'q', message_id)['body'] == 1


def test_health_probe_runs_every_step(api):
    report = api.service.health()
    assert report['storage_reachable'] is True
    assert all(step['succeeded']
               for step in report['operation_status'].values())
    assert api.service.ping() is True
