"""Validation of input against the configured limits."""

import pytest

from zaqar_lite.api import errors
from zaqar_lite.api import validation


@pytest.fixture
def v(conf) -> validation.Validator:
    return validation.Validator(conf)


@pytest.mark.parametrize('name', ['a', 'A-z_0.9', 'x' * 64])
def test_valid_queue_names(v, name):
    assert v.queue_name(name) == name


@pytest.mark.parametrize('name', ['', 'x' * 65, 'a/b', 'café', 'a b',
                                  'a\n', None, 5, ['q']])
def test_invalid_queue_names(v, name):
    with pytest.raises(errors.BadRequest) as caught:
        v.queue_name(name)
    assert caught.value.title == 'Invalid queue identification'


def test_limit_defaults_and_range(v):
    assert v.limit(None, 20) == 10
    assert v.limit(None, 5) == 5
    assert v.limit(20, 20) == 20
    for bad in (0, 21, -1, True, 1.0, '5', [5]):
        with pytest.raises(errors.BadRequest):
            v.limit(bad, 20)


def test_claim_ttl_and_grace_take_null_as_the_default(v):
    assert v.claim_ttl(None) == 300
    assert v.claim_grace(None) == 60
    assert v.claim_ttl(43200) == 43200
    for bad in (59, 43201, True, 60.0, '60'):
        with pytest.raises(errors.BadRequest):
            v.claim_ttl(bad)
        with pytest.raises(errors.BadRequest):
            v.claim_grace(bad)


def test_message_ttl_and_delay_refuse_null(v):
    assert v.message_ttl(60, 3600) == 60
    assert v.message_delay(0, 0) == 0
    for bad in (None, 59, 1209601, False, 61.0, '61'):
        with pytest.raises(errors.BadRequest):
            v.message_ttl(bad, 3600)
    for bad in (None, -1, 901, True, 0.5):
        with pytest.raises(errors.BadRequest):
            v.message_delay(bad, 0)


def test_ids(v):
    assert v.ids(['a', 'b']) == ['a', 'b']
    for bad in ([], ['a'] * 21, [''], [1], 'a,b', None):
        with pytest.raises(errors.BadRequest):
            v.ids(bad)


def test_metadata_size_and_reserved_keys(v):
    assert v.metadata({'a': 1, '_default_message_ttl': None}) == {
        'a': 1, '_default_message_ttl': None}
    assert v.metadata({'big': 'x' * 65000})
    for bad in ({'big': 'x' * 65536}, {'_default_message_ttl': 59},
                {'_default_message_delay': 901},
                {'_max_messages_post_size': 262145},
                {'_max_messages_post_size': 0},
                {'_default_message_ttl': True}):
        with pytest.raises(errors.BadRequest):
            v.metadata(bad)
    with pytest.raises(errors.InvalidBody):
        v.metadata(['not', 'an', 'object'])


def test_patch_operations(v):
    ops = [{'op': 'add', 'path': '/metadata/a', 'value': 1},
           {'op': 'remove', 'path': '/metadata/b'}]
    assert v.patch(ops) == ops
    for bad in ([], {}, [None], [{'op': 'copy', 'path': '/metadata/a'}],
                [{'op': 'add', 'path': '/metadata/a'}],
                [{'op': 'add', 'path': 'metadata/a', 'value': 1}],
                [{'op': 'remove', 'path': 7}]):
        with pytest.raises(errors.BadRequest):
            v.patch(bad)
