"""zaqar-lite-server's life: configuration, clean stop, crash durability."""

import http.client
import json
import os
import signal
import socket
import subprocess
import threading

import pytest

from tests.functional import servers


def post_batch(port: int, queue: str, bodies: list) -> list[str]:
    conn = http.client.HTTPConnection('127.0.0.1', port, timeout=10)
    try:
        conn.request('POST', '/v2/queues/%s/messages' % queue,
                     body=json.dumps({'messages': [
                         {'body': b} for b in bodies]}),
                     headers=servers.headers('durable'))
        resp = conn.getresponse()
        data = resp.read()
        assert resp.status == 201, data
        return [href.rsplit('/', 1)[1]
                for href in json.loads(data)['resources']]
    finally:
        conn.close()


def all_messages(port: int, queue: str) -> list[dict]:
    """Every message of the queue, following the paging links."""
    conn = http.client.HTTPConnection('127.0.0.1', port, timeout=10)
    path = ('/v2/queues/%s/messages?echo=true&include_claimed=true'
            '&limit=20' % queue)
    found = []
    while path:
        conn.request('GET', path, headers=servers.headers('durable'))
        page = json.loads(conn.getresponse().read())
        found.extend(page['messages'])
        path = page['links'][0]['href'] if page['messages'] else None
    conn.close()
    return found


def test_starts_without_any_config_file_and_says_where_data_lives(
        tmp_path):
    """No configuration at all: the default port and the XDG data path."""
    probe = socket.socket()
    if probe.connect_ex(('127.0.0.1', 8888)) == 0:
        probe.close()
        pytest.skip('port 8888 is taken on this machine')
    probe.close()
    proc = subprocess.Popen(
        [servers.console_script('zaqar-lite-server')],
        stderr=subprocess.PIPE, text=True, cwd=tmp_path,
        env=dict(os.environ, XDG_DATA_HOME=str(tmp_path)))
    try:
        servers.wait_for(lambda: _answers(8888), 20, 'the default port')
        assert (tmp_path / 'zaqar-lite' / 'zaqar-lite.sqlite3').exists()
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=15)
    assert str(tmp_path / 'zaqar-lite' / 'zaqar-lite.sqlite3') in err
    assert 'http://127.0.0.1:8888' in err
    assert proc.returncode == 0


def _answers(port: int) -> bool:
    try:
        return servers.ping(port) == 204
    except OSError:
        return False


def test_config_file_sets_limits(tmp_path, project):
    options = {'transport': {'max_messages_per_page': 5}}
    with servers.ZaqarServer(tmp_path, options=options) as server:
        conn = http.client.HTTPConnection('127.0.0.1', server.port)
        conn.request('GET', '/v2/queues/q/messages?limit=6',
                     headers=servers.headers(project))
        resp = conn.getresponse()
        error = json.loads(resp.read())
    assert resp.status == 400
    assert 'greater than 5' in error['description']


def test_sigterm_lets_the_request_in_flight_finish(tmp_path):
    server = servers.ZaqarServer(tmp_path).start()
    payload = json.dumps({'messages': [{'body': 'last words'}]}).encode()
    sock = socket.create_connection(('127.0.0.1', server.port))
    head = ('POST /v2/queues/q/messages HTTP/1.1\r\nHost: x\r\n'
            'Content-Type: application/json\r\nClient-ID: %s\r\n'
            'X-Project-ID: durable\r\nContent-Length: %d\r\n'
            'Expect: 100-continue\r\n\r\n'
            % (servers.headers()['Client-ID'], len(payload)))
    sock.sendall(head.encode())
    # "100 Continue" comes when the application starts reading the body:
    # from then on the request is in flight. Stop the server now.
    assert sock.recv(65536).startswith(b'HTTP/1.1 100 Continue')
    server.signal(signal.SIGTERM)
    servers.wait_for(lambda: 'Stopping' in server.stderr(), 10,
                     'the server to start stopping')
    sock.sendall(payload)
    reply = sock.recv(65536)
    sock.close()
    assert reply.startswith(b'HTTP/1.1 201')
    assert server.process.wait(15) == 0
    with servers.ZaqarServer(tmp_path / 'again',
                             database=server.database) as again:
        assert [m['body'] for m in all_messages(again.port, 'q')] == [
            'last words']


def test_kill_9_loses_no_acknowledged_message(tmp_path):
    """Post from several clients, SIGKILL the server mid-stream, restart
    on the same database: every acknowledged message is there, once."""
    server = servers.ZaqarServer(tmp_path / 'first').start()
    acknowledged: list[str] = []
    stop = threading.Event()

    def producer(n: int) -> None:
        batch = 0
        while not stop.is_set():
            try:
                ids = post_batch(server.port, 'q', [
                    '%d-%d-%d' % (n, batch, i) for i in range(10)])
            except (OSError, http.client.HTTPException):
                return  # the server died under this request: not acked
            acknowledged.extend(ids)
            batch += 1

    threads = [threading.Thread(target=producer, args=(n,))
               for n in range(4)]
    for thread in threads:
        thread.start()
    servers.wait_for(lambda: len(acknowledged) >= 2000, 60,
                     '2000 acknowledged messages')
    server.kill()
    stop.set()
    for thread in threads:
        thread.join(15)
    with servers.ZaqarServer(tmp_path / 'second',
                             database=server.database) as restarted:
        stored = [m['id'] for m in all_messages(restarted.port, 'q')]
    assert len(stored) == len(set(stored))
    assert set(acknowledged) <= set(stored)
