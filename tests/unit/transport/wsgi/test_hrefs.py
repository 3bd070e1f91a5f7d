"""Every href and Location the API answers starts with ``/v2/``
(python-zaqarclient rebuilds URLs by stripping ``/v2`` from them)."""

import falcon.testing

from tests.unit.transport.wsgi.httptest import JSON_PATCH


def _hrefs(document):
    """Every value of an ``href`` key, at any depth."""
    if isinstance(document, dict):
        for key, value in document.items():
            if key == 'href':
                yield value
            else:
                yield from _hrefs(value)
    elif isinstance(document, list):
        for item in document:
            yield from _hrefs(item)


def test_every_href_and_location_starts_with_v2(client, reader):
    results: list[falcon.testing.Result] = [
        client.put('/v2/queues/q', json={'a': 1}),
        client.post('/v2/queues/q/messages', json={'messages': [
            {'body': i} for i in range(3)]}),
    ]
    claim = client.post('/v2/queues/q/claims', params={'limit': 1},
                        json={})
    results += [
        claim,
        client.get(claim.headers['Location']),
        client.get('/v2/queues', params={'detailed': 'true'}),
        client.get('/v2/queues/q'),
        client.patch('/v2/queues/q', json=[
            {'op': 'add', 'path': '/metadata/b', 'value': 2}],
            content_type=JSON_PATCH),
        client.get('/v2/queues/q/stats'),
        reader.get('/v2/queues/q/messages',
                   params={'include_claimed': 'true'}),
        client.get('/v2/'),
        client.test_client.simulate_get('/'),
    ]
    ids = [m['id'] for m in results[-3].json['messages']]
    results += [
        client.get('/v2/queues/q/messages', params={'ids': ','.join(ids)}),
        client.get('/v2/queues/q/messages/' + ids[0]),
    ]
    seen = 0
    for result in results:
        assert result.status_code < 400, result.text
        location = result.headers.get('Location')
        if location:
            assert location.startswith('/v2/')
            seen += 1
        for href in _hrefs(result.json if result.content else None):
            assert href.startswith('/v2/'), href
            seen += 1
    assert seen > 20
