"""A small websocket client for the websocket functional tests (no tests
here): one connection, requests as documents, replies decoded."""

from __future__ import annotations

import json
import uuid
from typing import Any, Optional

import msgpack
import websocket

TIMEOUT = 10.0


class WsClient:
    """One connection to a zaqar-lite websocket server.

    :param binary: send msgpack binary frames instead of JSON text frames.
    """

    def __init__(self, url: str, project: Optional[str] = 'test-project',
                 client_id: Optional[str] = None, binary: bool = False):
        # json.loads checks the text; websocket-client's own UTF-8 check
        # is pure Python and slow on large replies.
        self.ws = websocket.create_connection(url, timeout=TIMEOUT,
                                              skip_utf8_validation=True)
        self.project = project
        self.client_id = client_id or str(uuid.uuid4())
        self.binary = binary

    @property
    def local_port(self) -> int:
        return self.ws.sock.getsockname()[1]

    def request(self, action: str, body: Optional[dict] = None,
                headers: Optional[dict] = None) -> dict:
        """The request document this client would send."""
        if headers is None:
            headers = {'Client-ID': self.client_id,
                       'X-Project-ID': self.project}
        return {'action': action, 'headers': headers, 'body': body or {}}

    def call(self, action: str, body: Optional[dict] = None,
             headers: Optional[dict] = None) -> dict:
        """Send one request, return the decoded reply."""
        return self.send_doc(self.request(action, body, headers))

    def send_doc(self, doc: Any) -> dict:
        """Send any document in this client's encoding; the reply."""
        if self.binary:
            return self.send_raw(msgpack.packb(doc), binary=True)
        return self.send_raw(json.dumps(doc).encode(), binary=False)

    def send_raw(self, payload: bytes, binary: bool) -> dict:
        """Send a raw frame; the decoded reply, which must come in the
        frame's encoding."""
        if binary:
            self.ws.send_binary(payload)
        else:
            self.ws.send(payload, opcode=websocket.ABNF.OPCODE_TEXT)
        opcode, data = self.ws.recv_data()
        if binary:
            assert opcode == websocket.ABNF.OPCODE_BINARY
            return msgpack.unpackb(data)
        assert opcode == websocket.ABNF.OPCODE_TEXT
        return json.loads(data)

    def close(self) -> None:
        self.ws.close()

    def __enter__(self) -> 'WsClient':
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def status(reply: dict) -> int:
    """The status of a reply."""
    return reply['headers']['status']
