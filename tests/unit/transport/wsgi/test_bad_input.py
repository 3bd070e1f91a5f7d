"""Bad input of every kind: a clear 4xx in JSON, and nothing stored is
changed, in the caller's project or any other."""

import json
import urllib.parse

import falcon.testing
import pytest

from tests.unit.transport.wsgi.httptest import JSON_PATCH
from tests.unit.transport.wsgi.httptest import assert_error
from tests.unit.transport.wsgi.httptest import snapshot

MESSAGES = '/v2/queues/q/messages'
CLAIMS = '/v2/queues/q/claims'
MAX_POST = 262144

INVALID_BODY = 'Invalid request body'
INVALID_REQUEST = 'Invalid API request'


@pytest.fixture
def intact(client, other, storage):
    """Stored data of both projects (a queue with metadata, free, claimed
    and delayed messages, a claim): a check that it is unchanged, whose
    ``claim_id`` attribute is the claim's id."""
    client.put('/v2/queues/q', json={'color': 'blue'})
    client.post_messages('q', 'claimed', 'free-1')
    claim_id, _ = client.claim('q', limit=1)
    client.post_messages('q', 'free-2')
    client.post_messages('q', 'delayed', delay=300)
    other.post_messages('q', 'other project')
    before = {p: snapshot(storage, p) for p in ('project-a', 'project-b')}

    def check():
        for project, state in before.items():
            assert snapshot(storage, project) == state
    check.claim_id = claim_id
    return check


def _messages_body(*messages) -> str:
    return json.dumps({'messages': list(messages)})


# -- queue names -----------------------------------------------------------

#: Invalid names as they appear in a URL path.
BAD_NAMES = ['a' * 65, '%2F', 'a%2Fb', '%2Fq', 'caf%C3%A9', '\u2713',
             'q%20x', 'q%00', 'q%0A', 'q*', '%25']


def _name_routes(name):
    q = '/v2/queues/' + name
    return [('PUT', q, '{"a": 1}'), ('GET', q, None), ('PATCH', q, None),
            ('DELETE', q, None), ('GET', q + '/stats', None),
            ('POST', q + '/purge', None),
            ('POST', q + '/messages', _messages_body({'body': 1})),
            ('GET', q + '/messages', None),
            ('GET', q + '/messages', 'ids=abc'),
            ('DELETE', q + '/messages', 'pop=1'),
            ('GET', q + '/messages/abc', None),
            ('DELETE', q + '/messages/abc', None),
            ('POST', q + '/claims', '{}'),
            ('GET', q + '/claims/abc', None),
            ('PATCH', q + '/claims/abc', '{"ttl": 100}'),
            ('DELETE', q + '/claims/abc', None)]


@pytest.mark.parametrize('name', BAD_NAMES)
def test_invalid_queue_names_are_400_on_every_route(client, intact, name):
    for method, path, extra in _name_routes(name):
        kwargs = {}
        if extra and extra.startswith(('{', '[')):
            kwargs['body'] = extra
        elif extra:
            kwargs['params'] = dict(urllib.parse.parse_qsl(extra))
        if method == 'PATCH' and not path.endswith('abc'):
            kwargs.update(body='[{"op": "add", "path": "/metadata/a", '
                               '"value": 1}]', content_type=JSON_PATCH)
        result = client.request(method, path, **kwargs)
        assert_error(result, 400, 'Invalid queue identification')
    result = client.head('/v2/queues/' + name)
    assert result.status_code == 400
    intact()


def test_a_queue_name_of_64_characters_is_valid(client):
    name = 'a-Z_0.9' + 'x' * 57
    assert client.put('/v2/queues/' + name).status_code == 201
    assert client.get('/v2/queues').json['queues'][0]['name'] == name


# -- bodies that are not the JSON they must be -----------------------------

NOT_JSON = [
    ('not json', INVALID_BODY),
    ('{"messages": [{"body": 1}', INVALID_BODY),
    ('{"messages": [{"body": "unterminated}]}', INVALID_BODY),
    ('[{"body": 1}]', INVALID_BODY),
    ('"text"', INVALID_BODY),
    ('42', INVALID_BODY),
    ('null', INVALID_BODY),
    ('', INVALID_BODY),
    ('{"messages": [{"body": 9223372036854775808}]}', INVALID_BODY),
    ('{"messages": [{"body": -9223372036854775809}]}', INVALID_BODY),
    ('{"messages": [{"body": 1e400}]}', INVALID_BODY),
    ('{"messages": [{"body": NaN}]}', INVALID_BODY),
    ('{"messages": [{"body": -Infinity}]}', INVALID_BODY),
    ('{"messages": [{"body": ' + '[' * 5000 + ']' * 5000 + '}]}',
     INVALID_BODY),
    (b'{"messages": [{"body": "\xff\xfe"}]}', INVALID_BODY),
    ('{}', INVALID_BODY),
    ('{"messages": []}', INVALID_REQUEST),
    ('{"messages": {}}', INVALID_REQUEST),
    ('{"messages": "x"}', INVALID_REQUEST),
    ('{"messages": null}', INVALID_REQUEST),
    ('{"messages": [1]}', INVALID_REQUEST),
    ('{"messages": [{"ttl": 60}]}', INVALID_REQUEST),
    ('{"messages": [{"body": 1}, []]}', INVALID_REQUEST),
]


@pytest.mark.parametrize('body,title', NOT_JSON)
def test_bad_message_posts_are_400(client, intact, body, title):
    assert_error(client.post(MESSAGES, body=body), 400, title)
    assert_error(client.post('/v2/queues/new/messages', body=body), 400,
                 title)
    assert client.head('/v2/queues/new').status_code == 404
    intact()


@pytest.mark.parametrize('body', [
    'not json', '{"a": 1', '[1]', '[]', '"x"', '7', 'null',
    '{"a": 9223372036854775808}', '{"a": 1e999}', '{"a": NaN}',
    '{"_default_message_ttl": 10}', '{"_max_messages_post_size": "big"}',
    '{"_default_message_delay": 901}',
    json.dumps({'big': 'x' * 65536})])
def test_bad_queue_metadata_is_400_and_creates_nothing(client, intact,
                                                       body):
    assert_error(client.put('/v2/queues/new', body=body), 400)
    assert client.head('/v2/queues/new').status_code == 404
    assert_error(client.put('/v2/queues/q', body=body), 400)
    intact()


@pytest.mark.parametrize('body', [
    'not json', '{"ttl": 100', '[]', '[{"ttl": 100}]', '"ttl"', '1',
    '{"ttl": 9223372036854775808}', '{"grace": -9223372036854775809}',
    '{"ttl": 1e400}'])
def test_bad_claim_bodies_are_400(client, intact, body):
    assert_error(client.post(CLAIMS, body=body), 400, INVALID_BODY)
    assert_error(client.patch(CLAIMS + '/' + intact.claim_id, body=body),
                 400,
                 INVALID_BODY)
    intact()


def test_bad_json_patch_bodies_are_400(client, intact):
    for body in ('not json', '[{"op": "add"', '9223372036854775808',
                 '[{"op": "add", "path": "/metadata/a", "value": 1e400}]'):
        assert_error(client.patch('/v2/queues/q', body=body,
                                  content_type=JSON_PATCH), 400)
    intact()


# -- size ------------------------------------------------------------------

def _post_of_size(size: int) -> str:
    """A valid post body of exactly ``size`` bytes."""
    empty = _messages_body({'body': ''})
    return _messages_body({'body': 'x' * (size - len(empty))})


def test_a_post_of_exactly_the_limit_is_accepted(client):
    body = _post_of_size(MAX_POST)
    assert len(body) == MAX_POST
    assert client.post(MESSAGES, body=body).status_code == 201


def test_a_post_larger_than_the_limit_is_400(client, intact):
    for body in (_post_of_size(MAX_POST + 1), _post_of_size(300 * 1024),
                 _messages_body(*[{'body': 'y' * 1000}] * 300)):
        error = assert_error(client.post(MESSAGES, body=body), 400)
        assert str(MAX_POST) in error['description']
    intact()


@pytest.mark.parametrize('length', ['100', '1000', str(MAX_POST),
                                    str(10 * MAX_POST)])
def test_a_large_post_is_400_whatever_content_length_says(client, intact,
                                                          length):
    result = client.post(MESSAGES, body=_post_of_size(300 * 1024),
                         headers={'Content-Length': length})
    assert_error(result, 400)
    intact()


def _chunked_post(test_client, client, body: bytes):
    """POST ``body`` with no Content-Length (as a de-chunked body arrives
    from the WSGI server)."""
    env = falcon.testing.create_environ(
        MESSAGES, method='POST', body=body, headers=dict(
            client.headers(), **{'Content-Type': 'application/json',
                                 'Transfer-Encoding': 'chunked'}))
    del env['CONTENT_LENGTH']
    start = falcon.testing.StartResponseMock()
    content = b''.join(test_client.app(env, start))
    return start.status, json.loads(content) if content else None


def test_a_large_post_without_content_length_is_400(test_client, client,
                                                    intact):
    status, error = _chunked_post(test_client, client,
                                  _post_of_size(300 * 1024).encode())
    assert status.startswith('400')
    assert str(MAX_POST) in error['description']
    intact()


def test_a_post_without_content_length_is_read(test_client, client):
    status, body = _chunked_post(test_client, client,
                                 _messages_body({'body': 'chunked'}).encode())
    assert status.startswith('201')
    assert len(body['resources']) == 1


# -- content types ---------------------------------------------------------

FORM = 'application/x-www-form-urlencoded'


def test_form_encoded_bodies_are_400_invalid_content_type(client, intact):
    claim_path = CLAIMS + '/' + intact.claim_id
    for method, path in (('POST', MESSAGES), ('PUT', '/v2/queues/new'),
                         ('PUT', '/v2/queues/q'), ('POST', CLAIMS),
                         ('PATCH', claim_path),
                         ('POST', '/v2/queues/q/purge')):
        for content_type in (FORM, FORM.upper() + '; charset=utf-8'):
            result = client.request(method, path, body='messages=1&ttl=60',
                                    content_type=content_type)
            assert_error(result, 400, 'Invalid Content-Type')
    assert client.head('/v2/queues/new').status_code == 404
    intact()


def test_json_patch_with_another_content_type_is_415(client, intact):
    ops = [{'op': 'add', 'path': '/metadata/x', 'value': 1}]
    for content_type in ('application/json', FORM, 'text/plain'):
        assert_error(client.patch('/v2/queues/q', json=ops,
                                  content_type=content_type), 415)
    intact()


# -- parameters ------------------------------------------------------------

@pytest.mark.parametrize('method,path,params', [
    ('GET', '/v2/queues', {'limit': 'x'}),
    ('GET', '/v2/queues', {'limit': '99999999999999999999999999'}),
    ('GET', '/v2/queues', {'detailed': 'sure'}),
    ('GET', '/v2/queues', {'with_count': '2'}),
    ('GET', MESSAGES, {'limit': '-3'}),
    ('GET', MESSAGES, {'ids': ','.join(['a'] * 21)}),
    ('DELETE', MESSAGES, {}),
    ('DELETE', MESSAGES, {'pop': '1', 'ids': 'a'}),
    ('DELETE', MESSAGES, {'pop': '0'}),
    ('DELETE', MESSAGES, {'pop': '9223372036854775808'}),
    ('DELETE', MESSAGES, {'ids': ','.join(['a'] * 21)}),
    ('POST', CLAIMS, {'limit': '1e3'}),
])
def test_bad_parameters_are_400(client, intact, method, path, params):
    assert_error(client.request(method, path, params=params, body='{}'),
                 400)
    intact()


def test_accept_text_html_is_406_and_changes_nothing(client, intact):
    for method, path in (('POST', MESSAGES), ('DELETE', '/v2/queues/q'),
                         ('POST', '/v2/queues/q/purge')):
        result = client.request(method, path, body=_messages_body(
            {'body': 1}), headers={'Accept': 'text/html'})
        assert_error(result, 406)
    intact()


def test_an_empty_body_typed_as_a_form_is_no_body(client):
    """``curl -X PUT -d ''`` sends the form type with nothing in it."""
    result = client.put('/v2/queues/new', body='', content_type=FORM)
    assert result.status_code == 201
    assert_error(client.post('/v2/queues/new/messages', body='',
                             content_type=FORM), 400, INVALID_BODY)
