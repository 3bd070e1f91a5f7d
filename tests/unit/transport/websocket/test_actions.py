"""The action table: the spec's actions, and body field checks."""

import pytest

from zaqar_lite.api import errors
from zaqar_lite.transport.websocket import actions

SPEC_ACTIONS = {
    'queue_list', 'queue_create', 'queue_get', 'queue_delete',
    'queue_get_stats', 'queue_purge', 'message_post', 'message_list',
    'message_get', 'message_get_many', 'message_delete',
    'message_delete_many', 'claim_create', 'claim_get', 'claim_update',
    'claim_delete', 'authenticate'}


def test_every_action_of_the_spec_is_in_the_table():
    assert set(actions.ACTIONS) == SPEC_ACTIONS


def test_every_action_but_authenticate_needs_the_request_headers():
    assert [name for name, action in actions.ACTIONS.items()
            if not action.needs_context] == ['authenticate']


def test_declared_fields_are_kept_and_others_ignored():
    check = actions.ACTIONS['message_list'].check
    assert check({'queue_name': 'q', 'limit': 3, 'echo': True,
                  'unknown': 1}) == {'queue_name': 'q', 'limit': 3,
                                     'echo': True}


def test_null_means_not_given():
    check = actions.ACTIONS['claim_create'].check
    assert check({'queue_name': 'q', 'ttl': None, 'grace': None}) == {
        'queue_name': 'q'}


@pytest.mark.parametrize('name, body, message', [
    ('queue_get', {}, 'Missing "queue_name" field in the body of queue_get'),
    ('queue_get', {'queue_name': None}, 'Missing "queue_name"'),
    ('queue_list', {'limit': False}, '"limit" field must be of type integer'),
    ('queue_list', {'limit': 2.0}, '"limit" field must be of type integer'),
    ('message_list', {'queue_name': 'q', 'echo': 1},
     '"echo" field must be of type boolean'),
    ('message_delete_many', {'queue_name': 'q', 'claim_ids': 'c'},
     '"claim_ids" field must be of type array'),
])
def test_missing_and_wrong_typed_fields_are_bad_requests(name, body,
                                                         message):
    with pytest.raises(errors.BadRequest) as exc:
        actions.ACTIONS[name].check(body)
    assert message in exc.value.description
    assert exc.value.status == 400
