"""The caller's context: Client-ID and X-Project-ID, validated."""

import uuid

import pytest

from zaqar_lite.api import context
from zaqar_lite.api import errors

CLIENT = '8fa1c8e0-c1f2-4f3e-9a0f-1c6f7c1f0b7a'


def test_a_valid_context_has_the_canonical_client_id():
    for form in (CLIENT, CLIENT.replace('-', ''), CLIENT.upper(),
                 '{%s}' % CLIENT):
        ctx = context.make_context(form, 'project')
        assert ctx == context.RequestContext('project',
                                             uuid.UUID(CLIENT).hex)


def test_missing_client_id():
    with pytest.raises(errors.BadRequest) as caught:
        context.make_context(None, 'project')
    assert caught.value.title == 'Missing header value'
    assert caught.value.description == 'The Client-Id header is required.'


@pytest.mark.parametrize('client_id', ['', 'x', CLIENT[:-1], 12, []])
def test_malformed_client_id(client_id):
    with pytest.raises(errors.BadRequest) as caught:
        context.make_context(client_id, 'project')
    assert caught.value.description == 'Malformed hexadecimal UUID.'


def test_missing_and_empty_project():
    with pytest.raises(errors.BadRequest) as caught:
        context.make_context(CLIENT, None)
    assert caught.value.title == 'Project-Id Missing'
    with pytest.raises(errors.BadRequest) as caught:
        context.make_context(CLIENT, '')
    assert caught.value.title == 'Empty project header not allowed'


@pytest.mark.parametrize('project', ['p' * 257, 'a\nb', '\x00health', 5])
def test_invalid_project(project):
    with pytest.raises(errors.BadRequest) as caught:
        context.make_context(CLIENT, project)
    assert caught.value.status == 400


def test_project_of_256_characters():
    assert context.make_context(CLIENT, 'p' * 256).project == 'p' * 256


def test_client_id_is_checked_before_the_project():
    with pytest.raises(errors.BadRequest) as caught:
        context.make_context(None, None)
    assert caught.value.title == 'Missing header value'
