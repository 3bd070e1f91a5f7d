"""``/v2/ping`` and ``/v2/health``."""

import falcon

from zaqar_lite.transport.wsgi.resources import base


class Ping(base.Resource):
    """204 when storage answers, 503 when it does not."""

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.status = (falcon.HTTP_204 if self.api.service.ping()
                       else falcon.HTTP_503)

    on_head = on_get


class Health(base.Resource):
    """The health report (always on, unlike Zaqar's admin-only one)."""

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        base.respond(resp, self.api.service.health())
