"""Checks every ``/v2`` request must pass before it reaches a resource."""

import falcon

from zaqar_lite.api import context


class RequestContextMiddleware:
    """Validates Accept, Client-ID and X-Project-ID on every ``/v2`` path
    and puts the resulting ``RequestContext`` on ``req.context.ctx``."""

    def process_request(self, req: falcon.Request,
                        resp: falcon.Response) -> None:
        """Refuse the request (406 or 400) or set ``req.context.ctx``."""
        if not (req.path == '/v2' or req.path.startswith('/v2/')):
            return
        if req.get_header('Accept') and not req.client_accepts_json:
            raise falcon.HTTPNotAcceptable(
                description='Endpoint only serves `application/json`; '
                            'specify client-side media type support with '
                            'the "Accept" header.')
        req.context.ctx = context.make_context(
            req.get_header('Client-ID'), req.get_header('X-Project-ID'))
