"""A keep-alive HTTP client of the v2 API that times every request."""

from __future__ import annotations

import http.client
import json
import time
import urllib.parse
import uuid
from typing import Any, Optional

#: One timed request: (label, monotonic time it completed, seconds it
#: took, messages it carried).
Event = tuple[str, float, float, int]


class Client:
    """One HTTP/1.1 connection, reused for every request (keep-alive).

    :param base_url: ``http://host:port`` of the server.
    :param project: the X-Project-ID of every request.
    """

    def __init__(self, base_url: str, project: str, timeout: float = 30.0):
        parsed = urllib.parse.urlsplit(base_url)
        self._host = parsed.hostname
        self._port = parsed.port or 80
        self._timeout = timeout
        self._prefix = parsed.path.rstrip('/')
        self.headers = {'Client-ID': str(uuid.uuid4()),
                        'X-Project-ID': project,
                        'Content-Type': 'application/json'}
        self.events: list[Event] = []
        self.errors = 0
        self._conn = self._connect()

    def _connect(self) -> http.client.HTTPConnection:
        conn = http.client.HTTPConnection(self._host, self._port,
                                          timeout=self._timeout)
        conn.connect()  # connect now: not inside the first timing
        return conn

    def call(self, method: str, path: str, body: Any = None,
             label: Optional[str] = None, msgs: int = 0
             ) -> tuple[int, Any, http.client.HTTPResponse]:
        """Send one request; returns (status, JSON document or None,
        response). A transport error closes the connection, counts an
        error and answers status 0."""
        data = None if body is None else json.dumps(body).encode()
        start = time.monotonic()
        try:
            self._conn.request(method, self._prefix + path, body=data,
                               headers=self.headers)
            resp = self._conn.getresponse()
            payload = resp.read()
        except (OSError, http.client.HTTPException):
            self.errors += 1
            self._conn.close()
            self._conn = self._connect()
            return 0, None, None
        done = time.monotonic()
        if label is not None:
            self.events.append((label, done, done - start, msgs))
        doc = json.loads(payload) if payload else None
        return resp.status, doc, resp

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()
