"""The websocket server's life: clients that leave mid-request, the USR2
report with its Asyncio Tasks, and a clean stop on SIGTERM."""

import json
import re
import signal
import socket
import struct
import subprocess

import pytest
import websocket

from tests.functional import servers
from tests.functional.test_websocket_support import WsClient, status

REPORT_TIMEOUT = 10.0


@pytest.fixture
def ws_server(tmp_path):
    """A websocket server of the test's own."""
    server = servers.ZaqarServer(tmp_path, transport='websocket')
    with server:
        yield server


def _total(url: str, project: str, queue: str) -> int:
    with WsClient(url, project) as conn:
        reply = conn.call('queue_get_stats', {'queue_name': queue})
        return reply['body']['messages']['total']


def test_a_client_gone_before_its_replies_loses_nothing(ws_server, project):
    conn = WsClient(ws_server.url, project)
    for batch in range(20):
        conn.ws.send(json.dumps(conn.request('message_post', {
            'queue_name': 'left',
            'messages': [{'body': [batch, i]} for i in range(10)]})))
    # Close without reading a single reply.
    conn.ws.send_close()
    conn.ws.sock.shutdown(socket.SHUT_WR)
    try:
        servers.wait_for(
            lambda: _total(ws_server.url, project, 'left') == 200, 10,
            'every batch sent before the close to be stored')
    finally:
        conn.ws.sock.close()
    with WsClient(ws_server.url, project) as reader:
        bodies = []
        reply = reader.call('message_list', {'queue_name': 'left',
                                             'echo': True, 'limit': 20})
        while reply['body']['messages']:
            bodies += [tuple(m['body']) for m in reply['body']['messages']]
            marker = reply['body']['links'][0]['href'].split('marker=')[1]
            reply = reader.call('message_list', {
                'queue_name': 'left', 'echo': True, 'limit': 20,
                'marker': marker.split('&')[0]})
    assert sorted(bodies) == [(b, i) for b in range(20) for i in range(10)]


def test_a_client_that_vanishes_does_not_disturb_the_others(ws_server,
                                                            project):
    with WsClient(ws_server.url, project) as stays:
        assert status(stays.call('message_post', {
            'queue_name': 'kept', 'messages': [{'body': 'before'}]})) == 201
        gone = WsClient(ws_server.url, project)
        gone.ws.send(json.dumps(gone.request('message_post', {
            'queue_name': 'kept', 'messages': [{'body': 'last'}]})))
        # An abortive close (RST), as when a client process is killed.
        gone.ws.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                struct.pack('ii', 1, 0))
        gone.ws.sock.close()
        listed = stays.call('message_list', {'queue_name': 'kept',
                                             'echo': True})
        bodies = [m['body'] for m in listed['body']['messages']]
        assert bodies[0] == 'before' and set(bodies) <= {'before', 'last'}


def _report(server: servers.ZaqarServer, *needles: str) -> str:
    """Wait for a report on stderr that contains every needle."""
    def complete():
        text = server.stderr()
        start = text.rfind('Guru Meditation')
        return start >= 0 and all(n in text[start:] for n in needles) \
            and text[start:]
    return servers.wait_for(complete, REPORT_TIMEOUT, 'the USR2 report')


def test_usr2_reports_the_tasks_of_open_connections(ws_server, project):
    clients = [WsClient(ws_server.url, project) for _ in range(3)]
    try:
        for conn in clients:
            assert status(conn.call('queue_list')) == 200
        names = ['ws-connection-127.0.0.1:%d' % c.local_port
                 for c in clients]
        ws_server.signal(signal.SIGUSR2)
        report = _report(ws_server, 'Asyncio Tasks', 'Transport',
                         'Websocket Connections', *names)
        # Long lists of task names wrap: compare with whitespace folded.
        tasks = ' '.join(report[report.index('Asyncio Tasks'):
                                report.index('Runtime')].split())
        # The three idle connections share one await stack: one group.
        assert 'Task x3' in tasks
        for name in names:
            assert name + ' (pending)' in tasks
        assert 'ws-server (pending)' in tasks
        assert 'in _serve' in tasks
        assert re.search(r'open_connections = 3\b', report)
        assert re.search(r'handled = 3\b', report)
        assert ws_server.process.poll() is None
        assert status(clients[0].call('queue_list')) == 200
    finally:
        for conn in clients:
            conn.close()


def test_sigterm_closes_every_connection_with_a_close_frame(ws_server,
                                                            project):
    clients = [WsClient(ws_server.url, project) for _ in range(3)]
    for conn in clients:
        assert status(conn.call('queue_list')) == 200
    ws_server.signal(signal.SIGTERM)
    for conn in clients:
        opcode, frame = conn.ws.recv_data_frame(control_frame=True)
        assert opcode == websocket.ABNF.OPCODE_CLOSE
        assert struct.unpack('!H', frame.data[:2])[0] == 1000
        conn.ws.send_close()
        conn.ws.sock.close()
    assert ws_server.process.wait(10) == 0
    assert 'Stopped' in ws_server.stderr()


def test_the_transport_switch_and_port_0_log_the_real_url(tmp_path):
    """``--transport websocket`` wins over the configured transport, and
    port 0 serves on a free port that the log names."""
    config = tmp_path / 'zaqar-lite.conf'
    servers.write_config(config, {
        'drivers': {'transport': 'wsgi'},
        'drivers:transport:websocket': {'bind': '127.0.0.1', 'port': 0},
        'drivers:message_store:sqlite': {'path': tmp_path / 'db.sqlite3'}})
    log = tmp_path / 'stderr.log'
    with open(log, 'wb') as err:
        process = subprocess.Popen(
            [servers.console_script('zaqar-lite-server'), '--config-file',
             str(config), '--transport', 'websocket'],
            stdout=err, stderr=err, stdin=subprocess.DEVNULL)
    try:
        url = servers.wait_for(
            lambda: re.search(r'ws://127\.0\.0\.1:(?!0\b)\d+',
                              log.read_text()), 20, 'the listening URL')
        with WsClient(url.group(0), 'p') as conn:
            assert status(conn.call('queue_list')) == 200
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(15) == 0
