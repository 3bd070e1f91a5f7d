"""The autobahn protocol in process: order, counters, the connection
registry and a clean stop, answering on the loop and in threads."""

import asyncio
import concurrent.futures
import dataclasses
import json
import socket
import struct
import threading
import time
import uuid

import pytest
import websocket

from zaqar_lite.api import context
from zaqar_lite.transport.websocket import connections
from zaqar_lite.transport.websocket import protocol

MAX_FRAME = 4096
HEADERS = {'Client-ID': uuid.uuid4().hex, 'X-Project-ID': 'p'}


def wait_for(condition, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, 'condition not met in time'
        time.sleep(0.005)


@dataclasses.dataclass
class Harness:
    url: str
    loop: asyncio.AbstractEventLoop
    registry: connections.Registry

    def run(self, coro):
        """Run ``coro`` on the server's loop; its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(10)


@pytest.fixture(params=['on-loop', 'in-threads'])
def harness(request, disp, stats):
    executor = (concurrent.futures.ThreadPoolExecutor(2)
                if request.param == 'in-threads' else None)
    loop = asyncio.new_event_loop()
    registry = connections.Registry()
    factory = protocol.ServerFactory(disp, stats, registry, MAX_FRAME, loop,
                                     executor)
    server = loop.run_until_complete(
        loop.create_server(factory, '127.0.0.1', 0))
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    port = server.sockets[0].getsockname()[1]
    yield Harness('ws://127.0.0.1:%d' % port, loop, registry)
    asyncio.run_coroutine_threadsafe(registry.close_all(2), loop).result(10)
    loop.call_soon_threadsafe(server.close)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    loop.close()
    if executor:
        executor.shutdown()


def _post(queue, n):
    return json.dumps({'action': 'message_post', 'headers': HEADERS,
                       'body': {'queue_name': queue,
                                'messages': [{'body': n}]}})


def _stored(disp, queue):
    ctx = context.make_context(HEADERS['Client-ID'], 'p')
    return disp.api.queues.stats(ctx, queue)['messages']['total']


def test_pipelined_frames_are_answered_in_order(harness, stats):
    ws = websocket.create_connection(harness.url)
    count = 3 * protocol.HIGH_WATER  # more than a connection queues
    for n in range(count):
        ws.send(_post('order', n))
    replies = [json.loads(ws.recv()) for _ in range(count)]
    assert [r['request']['body']['messages'][0]['body'] for r in replies] \
        == list(range(count))
    # The loop counts a frame right after sending its reply.
    wait_for(lambda: stats.handled == count)
    assert stats.in_flight == 0
    ws.close()


def test_counters_and_registry_follow_the_connections(harness, stats):
    ws = websocket.create_connection(harness.url)
    ws.send(json.dumps({'action': 'authenticate'}))
    assert json.loads(ws.recv())['headers']['status'] == 200
    port = ws.sock.getsockname()[1]
    wait_for(lambda: stats.handled == 1)
    section = harness.registry.snapshot()
    assert section['open'] == 1 and section['not_listed'] == 0
    [entry] = section['connections']
    assert entry['peer'] == '127.0.0.1:%d' % port
    assert entry['task'] == 'ws-connection-127.0.0.1:%d' % port
    assert entry['state'] == 'open' and entry['frames_handled'] == 1
    assert stats.connections == 1
    ws.close()
    wait_for(lambda: len(harness.registry) == 0)
    assert stats.connections == 0 and stats.in_flight == 0


def test_frames_received_before_a_close_are_all_stored(harness, disp):
    ws = websocket.create_connection(harness.url)
    for n in range(30):
        ws.send(_post('gone', n))
    ws.send_close()
    # Gone without reading a reply. (Closing the socket itself now would
    # make the kernel answer the replies with a reset, which discards
    # frames the server has not read yet: TCP, not the server.)
    ws.sock.shutdown(socket.SHUT_WR)
    wait_for(lambda: _stored(disp, 'gone') == 30)
    wait_for(lambda: len(harness.registry) == 0)
    ws.sock.close()


def test_an_oversized_message_is_answered_and_forgotten(harness, stats):
    ws = websocket.create_connection(harness.url)
    ws.send('x' * (MAX_FRAME + 1))
    reply = json.loads(ws.recv())
    assert reply['headers']['status'] == 400
    assert 'too large' in reply['body']['error']
    ws.send(json.dumps({'action': 'authenticate'}))
    assert json.loads(ws.recv())['headers']['status'] == 200
    ws.close()


def test_close_all_sends_close_frames_and_ends_the_tasks(harness):
    clients = [websocket.create_connection(harness.url) for _ in range(3)]
    for ws in clients:
        ws.send(json.dumps({'action': 'authenticate'}))
        ws.recv()
    tasks = [c.task for c in list(harness.registry._connections)]
    closing = asyncio.run_coroutine_threadsafe(
        harness.registry.close_all(5), harness.loop)
    for ws in clients:
        opcode, frame = ws.recv_data_frame(control_frame=True)
        assert opcode == websocket.ABNF.OPCODE_CLOSE
        assert struct.unpack('!H', frame.data[:2])[0] == \
            protocol.STOP_CLOSE_CODE
        ws.send_close()
    closing.result(10)
    assert len(harness.registry) == 0
    assert all(task.done() for task in tasks)
