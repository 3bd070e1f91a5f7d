"""The service routes (``/``, ``/v2``, ping, health) and what every
request gets: 404, 405 with Allow, 406, 503 and 500 answers in JSON."""

import socket

import falcon.testing
import pytest

from tests.unit.transport.wsgi import httptest
from tests.unit.transport.wsgi.httptest import assert_error
from zaqar_lite.api import service
from zaqar_lite.api.v2 import API
from zaqar_lite.storage import redis
from zaqar_lite.storage import sqlite
from zaqar_lite.transport.wsgi.app import create_app


@pytest.fixture
def unreachable(conf):
    """A client of an app whose store (Redis on a port where nothing
    listens) cannot be reached."""
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    conf.set_override('uri', 'redis://127.0.0.1:%d/0' % port,
                      group='drivers:message_store:redis')
    driver = redis.DataDriver(conf)
    yield httptest.Client(
        falcon.testing.TestClient(create_app(API(conf, driver))), 'p')
    driver.close()


def test_versions_document_needs_no_headers(test_client):
    result = test_client.simulate_get('/')
    assert result.status_code == 300
    (version,) = result.json['versions']
    assert version['id'] == '2'
    assert version['status'] == 'CURRENT'
    assert version['media-types'] == [{
        'base': 'application/json',
        'type': 'application/vnd.openstack.messaging-v2+json'}]
    assert version['links'] == [{'href': '/v2/', 'rel': 'self'}]


def test_home_document_is_json_home_with_v2_hrefs(client):
    for path in ('/v2', '/v2/'):
        result = client.get(path)
        assert result.status_code == 200
        assert result.headers['Content-Type'] == 'application/json-home'
        resources = result.json['resources']
        assert {'rel/queues', 'rel/queue', 'rel/messages', 'rel/message',
                'rel/claims', 'rel/claim', 'rel/ping',
                'rel/health'} <= set(resources)
        for resource in resources.values():
            href = resource.get('href') or resource['href-template']
            assert href.startswith('/v2/')


def test_home_document_requires_the_headers(test_client):
    assert_error(test_client.simulate_get('/v2'), 400,
                 'Missing header value')


def test_ping_answers_204_without_a_body(client):
    for method in ('GET', 'HEAD'):
        result = client.request(method, '/v2/ping')
        assert result.status_code == 204
        assert result.content == b''


def test_ping_answers_503_when_storage_is_unreachable(unreachable):
    assert unreachable.get('/v2/ping').status_code == 503
    assert unreachable.head('/v2/ping').status_code == 503


def test_health_reports_a_round_of_real_operations(client, storage):
    result = client.get('/v2/health')
    assert result.status_code == 200
    assert result.json['storage_reachable'] is True
    status = result.json['operation_status']
    assert set(status) == {'create_queue', 'post_messages', 'list_messages',
                           'claim_messages', 'delete_messages',
                           'delete_queue'}
    assert all(step['succeeded'] for step in status.values())
    # The probe cleans up after itself and never shows in a project.
    assert storage.queues.count(service.HEALTH_PROJECT) == 0
    assert client.get('/v2/queues').json['queues'] == []


def test_health_reports_unreachable_storage(unreachable):
    result = unreachable.get('/v2/health')
    assert result.status_code == 200
    assert result.json == {'storage_reachable': False,
                           'operation_status': {}}


def test_operations_answer_503_when_storage_is_unreachable(unreachable):
    for method, path in (('GET', '/v2/queues'),
                         ('PUT', '/v2/queues/q'),
                         ('GET', '/v2/queues/q'),
                         ('GET', '/v2/queues/q/messages'),
                         ('POST', '/v2/queues/q/claims')):
        error = assert_error(unreachable.request(method, path), 503,
                             'Service temporarily unavailable')
        assert error['description'].endswith(
            ' Please try again in a few seconds.')


def test_unknown_paths_are_404_json(client, test_client):
    for path in ('/v2/nowhere', '/v3/queues', '/v2/queues/q/nothing',
                 '/v2/queues/q/messages/m/more'):
        assert_error(client.get(path), 404, 'Not found')
    assert_error(test_client.simulate_get('/nowhere'), 404, 'Not found')


def test_wrong_method_is_405_with_allow(client):
    cases = {
        ('POST', '/v2/ping'): {'GET', 'HEAD'},
        ('DELETE', '/v2/queues'): {'GET'},
        ('POST', '/v2/queues/q'): {'GET', 'HEAD', 'PUT', 'PATCH', 'DELETE'},
        ('PUT', '/v2/queues/q/messages'): {'GET', 'POST', 'DELETE'},
        ('PUT', '/v2/queues/q/messages/m'): {'GET', 'DELETE'},
        ('GET', '/v2/queues/q/claims'): {'POST'},
        ('POST', '/v2/queues/q/claims/c'): {'GET', 'PATCH', 'DELETE'},
        ('GET', '/v2/queues/q/purge'): {'POST'},
        ('DELETE', '/v2/queues/q/stats'): {'GET'},
    }
    for (method, path), allowed in cases.items():
        result = client.request(method, path)
        assert_error(result, 405)
        allow = {m.strip() for m in result.headers['Allow'].split(',')}
        assert allow - {'OPTIONS'} == allowed, (method, path)


def test_accept_must_allow_json(client):
    error = assert_error(client.get('/v2/queues',
                                    headers={'Accept': 'text/html'}), 406)
    assert 'application/json' in error['description']
    for accept in ('application/json', '*/*', 'application/*',
                   'text/html, application/json;q=0.5'):
        result = client.get('/v2/queues', headers={'Accept': accept})
        assert result.status_code == 200, accept


def test_unexpected_errors_are_500_json_and_counted(conf, stats):
    class BrokenQueues(sqlite.queues.QueueController):
        def list(self, *args, **kwargs):
            raise RuntimeError('a bug')

    driver = sqlite.DataDriver(conf)
    driver._queues = BrokenQueues(driver)
    try:
        test_client = falcon.testing.TestClient(
            create_app(API(conf, driver), stats))
        result = test_client.simulate_get('/v2/queues', headers={
            'Client-ID': '8fa1c8e0c1f24f3e9a0f1c6f7c1f0b7a',
            'X-Project-ID': 'p'})
    finally:
        driver.close()
    assert_error(result, 500, 'Internal server error')
    assert 'a bug' not in result.text
    assert stats.errors == 1
    assert stats.handled == 1 and stats.in_flight == 0
