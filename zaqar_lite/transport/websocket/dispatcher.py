"""One frame in, one reply out: decoding, checks, the action, errors.

Every frame gets exactly one reply, whatever is wrong with it, and the
dispatcher never raises: an unexpected error is logged and answered with
a 500, so a client never waits for a reply that will not come.
"""

import logging
import threading
from typing import Any

from zaqar_lite.api import context
from zaqar_lite.api import errors
from zaqar_lite.api import v2
from zaqar_lite.transport import stats as transport_stats
from zaqar_lite.transport.websocket import actions
from zaqar_lite.transport.websocket import codec

LOG = logging.getLogger(__name__)

API_VERSION = 'v2'


def empty_request() -> dict:
    """What a reply echoes when the frame held no usable request."""
    return {'action': None, 'body': {}, 'headers': {}, 'api': API_VERSION}


def make_reply(request: dict, status: int, body: Any) -> dict:
    """A reply document: the echoed request, the status, the body."""
    return {'request': request, 'headers': {'status': status},
            'body': body}


def error_reply(request: dict, exc: errors.APIError) -> dict:
    """The reply to a request that failed with ``exc``."""
    return make_reply(request, exc.status,
                      {'error': exc.description, 'title': exc.title})


def too_large_reply(size: int, maximum: int) -> dict:
    """The reply to a frame larger than ``max_frame_size``."""
    return error_reply(empty_request(), errors.BadRequest(
        'Frame of %d bytes is too large. Max size %d bytes.'
        % (size, maximum), title='Invalid request body'))


def _header(headers: dict, name: str) -> Any:
    """A header by name; any letter case is accepted, as in HTTP."""
    if name in headers:
        return headers[name]
    lowered = name.lower()
    for key, value in headers.items():
        if isinstance(key, str) and key.lower() == lowered:
            return value
    return None


class Dispatcher:
    """Answers frames with the shared v2 operation layer; thread-safe.

    :param api: the v2 API both transports call.
    :param stats: the transport's figures (``errors`` counts 500s).
    """

    def __init__(self, api: v2.API,
                 stats: transport_stats.TransportStats):
        self.api = api
        self.stats = stats
        # Frames are answered by several threads; the count must not
        # lose increments.
        self._errors_lock = threading.Lock()

    def _count_error(self) -> None:
        with self._errors_lock:
            self.stats.errors += 1

    def reply(self, payload: bytes, is_binary: bool) -> bytes:
        """The encoded reply to one frame, in the frame's encoding."""
        try:
            doc = codec.decode(payload, is_binary)
        except codec.DecodeError as exc:
            reply = error_reply(empty_request(), errors.InvalidBody(
                str(exc)))
        else:
            reply = self.handle(doc, len(payload))
        return self.encode(reply, is_binary)

    def encode(self, reply: dict, is_binary: bool) -> bytes:
        """``reply`` encoded; a reply that cannot be encoded becomes a
        500 rather than no reply at all."""
        try:
            return codec.encode(reply, is_binary)
        except Exception:
            LOG.exception('Cannot encode the reply to %s',
                          reply['request'].get('action'))
            self._count_error()
            return codec.encode(error_reply(empty_request(), errors.APIError(
                'The reply could not be encoded.')), is_binary)

    def handle(self, doc: Any, size: int) -> dict:
        """The reply to a decoded frame ``doc`` of ``size`` bytes."""
        if not isinstance(doc, dict):
            return error_reply(empty_request(), errors.BadRequest(
                'Unexpected body type. Expected dict or dict like.'))
        request = dict(doc, api=API_VERSION)
        try:
            status, body = self._run(doc, size)
        except errors.APIError as exc:
            return error_reply(request, exc)
        except Exception:
            LOG.exception('Unexpected error in websocket action %r',
                          doc.get('action'))
            self._count_error()
            return error_reply(request, errors.APIError(
                'Unexpected error while running %s.' % doc.get('action')))
        return make_reply(request, status, body)

    def _run(self, doc: dict, size: int) -> actions.Reply:
        name = doc.get('action')
        action = actions.ACTIONS.get(name) if isinstance(name, str) else None
        if action is None:
            raise errors.BadRequest('`%s` is not a valid action' % (name,))
        headers = doc.get('headers')
        if headers is None:
            headers = {}
        body = doc.get('body')
        if body is None:
            body = {}
        if not isinstance(headers, dict) or not isinstance(body, dict):
            raise errors.BadRequest('"headers" and "body" must be objects.')
        args = action.check(body)
        ctx = None
        if action.needs_context:
            ctx = context.make_context(_header(headers, 'Client-ID'),
                                       _header(headers, 'X-Project-ID'))
        return action.run(actions.Call(self.api, ctx, args, size))
