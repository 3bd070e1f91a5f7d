"""Shared helpers of the HTTP transport tests: a client of one project,
error assertions and a snapshot of everything a project stores."""

import json as jsonlib
import uuid
from typing import Any

import falcon.testing

from zaqar_lite.storage import base

JSON_PATCH = 'application/openstack-messaging-v2.0-json-patch'


class Client:
    """Requests of one project and one client id, as python-zaqarclient
    sends them (dashless Client-ID, ``Content-Type: application/json``)."""

    def __init__(self, test_client: falcon.testing.TestClient,
                 project: str, client_id: str | None = None):
        self.test_client = test_client
        self.project = project
        self.client_id = client_id or uuid.uuid4().hex

    def headers(self) -> dict:
        return {'Client-ID': self.client_id, 'X-Project-ID': self.project}

    def request(self, method: str, path: str, json: Any = None,
                body: str | bytes | None = None, headers: dict | None = None,
                params: dict | None = None, content_type: str | None = None
                ) -> falcon.testing.Result:
        """One request; ``json`` is serialized as the body."""
        all_headers = self.headers()
        if json is not None:
            body = jsonlib.dumps(json)
        if body is not None:
            all_headers['Content-Type'] = content_type or 'application/json'
        all_headers.update(headers or {})
        return self.test_client.simulate_request(
            method, path, body=body, headers=all_headers, params=params)

    def get(self, path: str, **kwargs) -> falcon.testing.Result:
        return self.request('GET', path, **kwargs)

    def head(self, path: str, **kwargs) -> falcon.testing.Result:
        return self.request('HEAD', path, **kwargs)

    def put(self, path: str, **kwargs) -> falcon.testing.Result:
        return self.request('PUT', path, **kwargs)

    def post(self, path: str, **kwargs) -> falcon.testing.Result:
        return self.request('POST', path, **kwargs)

    def patch(self, path: str, **kwargs) -> falcon.testing.Result:
        return self.request('PATCH', path, **kwargs)

    def delete(self, path: str, **kwargs) -> falcon.testing.Result:
        return self.request('DELETE', path, **kwargs)

    def post_messages(self, queue: str, *bodies: Any, **fields) -> list[str]:
        """Post one message per body; returns their ids."""
        result = self.post('/v2/queues/%s/messages' % queue, json={
            'messages': [dict(fields, body=b) for b in bodies]})
        assert result.status_code == 201, result.text
        return [href.rsplit('/', 1)[1]
                for href in result.json['resources']]

    def claim(self, queue: str, limit: int = 10,
              **fields) -> tuple[str, list[dict]]:
        """Claim messages; returns ``(claim_id, messages)``."""
        result = self.post('/v2/queues/%s/claims' % queue,
                           params={'limit': limit}, json=fields)
        assert result.status_code == 201, result.text
        return result.headers['Location'].rsplit('/', 1)[1], result.json[
            'messages']

    def follow(self, path: str, key: str, **params) -> list[list[dict]]:
        """GET ``path`` and every ``next`` link until an empty page.

        :returns: the non-empty pages of ``key`` items, in order.
        """
        pages = []
        result = self.get(path, params=params or None)
        while True:
            assert result.status_code == 200, result.text
            if not result.json[key]:
                assert result.json['links'] == []
                return pages
            pages.append(result.json[key])
            (link,) = result.json['links']
            assert link['rel'] == 'next'
            assert link['href'].startswith(path + '?')
            target, _, query = link['href'].partition('?')
            result = self.test_client.simulate_get(
                target, query_string=query, headers=self.headers())
            assert len(pages) < 100, 'links never end'


def assert_error(result: falcon.testing.Result, status: int,
                 title: str | None = None) -> dict:
    """A JSON error answer with a title and a description."""
    assert result.status_code == status, result.text
    assert result.headers['Content-Type'].startswith('application/json')
    error = result.json
    assert set(error) == {'title', 'description'}
    assert error['title'] and error['description']
    if title is not None:
        assert error['title'] == title
    return error


def snapshot(storage: base.DataDriverBase, project: str) -> dict:
    """Everything ``project`` stores: queues, metadata, every live message
    (claimed and delayed too) and each message's claim."""
    state = {}
    queues, _ = storage.queues.list(project, limit=1000, detailed=True)
    for queue in queues:
        messages, _ = storage.messages.list(
            project, queue['name'], 'snapshot', limit=1000, echo=True,
            include_claimed=True, include_delayed=True)
        state[queue['name']] = {'metadata': queue['metadata'],
                                'messages': messages}
    return state
