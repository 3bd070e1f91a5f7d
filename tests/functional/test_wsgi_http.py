"""Raw HTTP against a real zaqar-lite-server: the wire as clients see it."""

import http.client
import json

from tests.functional import servers


def request(server, method, path, body=None, project='p', headers=None):
    conn = http.client.HTTPConnection('127.0.0.1', server.port, timeout=10)
    try:
        sent = dict(servers.headers(project), **(headers or {}))
        data = body if isinstance(body, (bytes, type(None))) else \
            json.dumps(body).encode()
        conn.request(method, path, body=data, headers=sent)
        resp = conn.getresponse()
        raw = resp.read()
        return resp.status, dict(resp.getheaders()), (
            json.loads(raw) if raw else None)
    finally:
        conn.close()


def test_keep_alive_serves_many_requests_on_one_connection(wsgi_server):
    conn = http.client.HTTPConnection('127.0.0.1', wsgi_server.port)
    for _ in range(20):
        conn.request('GET', '/v2/ping', headers=servers.headers())
        resp = conn.getresponse()
        resp.read()
        assert resp.status == 204
    conn.close()


def test_versions_document_needs_no_headers(wsgi_server):
    conn = http.client.HTTPConnection('127.0.0.1', wsgi_server.port)
    conn.request('GET', '/')
    resp = conn.getresponse()
    body = json.loads(resp.read())
    assert resp.status == 300
    assert body['versions'][0]['links'][0]['href'] == '/v2/'


def test_delete_of_claimed_message_needs_its_claim(wsgi_server, project):
    path = '/v2/queues/work/messages'
    status, headers, body = request(wsgi_server, 'POST', path,
                                    {'messages': [{'body': 'x'}]}, project)
    message = body['resources'][0]
    status, _, body = request(wsgi_server, 'POST',
                              '/v2/queues/work/claims', {}, project)
    claimed_href = body['messages'][0]['href']
    status, _, error = request(wsgi_server, 'DELETE', message,
                               project=project)
    assert status == 403 and error['title'] == 'Unable to delete'
    status, _, error = request(wsgi_server, 'DELETE',
                               message + '?claim_id=not-the-claim',
                               project=project)
    assert status == 400
    assert request(wsgi_server, 'DELETE', claimed_href,
                   project=project)[0] == 204
    assert request(wsgi_server, 'GET', message, project=project)[0] == 404


def test_truncated_json_is_refused_and_nothing_stored(wsgi_server, project):
    status, _, error = request(wsgi_server, 'POST',
                               '/v2/queues/work/messages',
                               b'{"messages": [{"body": 1}', project)
    assert status == 400 and error['title'] == 'Invalid request body'
    _, _, stats = request(wsgi_server, 'GET', '/v2/queues/work/stats',
                          project=project)
    assert stats['messages']['total'] == 0


def chunked_post(server, path, payload: bytes, project: str):
    """POST with chunked encoding: no Content-Length announces the size."""
    conn = http.client.HTTPConnection('127.0.0.1', server.port, timeout=10)
    chunks = [payload[i:i + 65536] for i in range(0, len(payload), 65536)]
    headers = dict(servers.headers(project), **{
        'Transfer-Encoding': 'chunked'})
    conn.request('POST', path, body=iter(chunks), headers=headers,
                 encode_chunked=True)
    resp = conn.getresponse()
    body = json.loads(resp.read())
    conn.close()
    return resp.status, body


def test_chunked_post_is_accepted(wsgi_server, project):
    payload = json.dumps({'messages': [{'body': 'chunked'}]}).encode()
    status, body = chunked_post(wsgi_server, '/v2/queues/work/messages',
                                payload, project)
    assert status == 201 and len(body['resources']) == 1


def test_oversized_chunked_post_is_refused(wsgi_server, project):
    """The body actually received counts, not what the headers say."""
    payload = json.dumps({'messages': [{'body': 'x' * 300_000}]}).encode()
    status, error = chunked_post(wsgi_server, '/v2/queues/work/messages',
                                 payload, project)
    assert status == 400 and 'too large' in error['description']
    _, _, stats = request(wsgi_server, 'GET', '/v2/queues/work/stats',
                          project=project)
    assert stats['messages']['total'] == 0


def test_missing_client_id_is_a_json_error(wsgi_server):
    conn = http.client.HTTPConnection('127.0.0.1', wsgi_server.port)
    conn.request('GET', '/v2/queues', headers={'X-Project-ID': 'p'})
    resp = conn.getresponse()
    body = json.loads(resp.read())
    assert resp.status == 400
    assert body == {'title': 'Missing header value',
                    'description': 'The Client-Id header is required.'}
