"""``/v2/queues/{q}/claims`` and one claim."""

import falcon

from zaqar_lite.api import formatting
from zaqar_lite.transport.wsgi import request
from zaqar_lite.transport.wsgi.resources import base


class Collection(base.Resource):
    """``/v2/queues/{q}/claims``."""

    def on_post(self, req: falcon.Request, resp: falcon.Response,
                queue_name: str) -> None:
        """Claim: 201 with Location and the messages, 204 if none free."""
        doc, _ = request.read_object(req, required=False)
        doc = doc or {}
        claim_id, found = self.api.claims.create(
            req.context.ctx, queue_name, ttl=doc.get('ttl'),
            grace=doc.get('grace'), limit=request.int_param(req, 'limit'))
        if claim_id is None:
            resp.status = falcon.HTTP_204
            return
        resp.location = formatting.claim_href(queue_name, claim_id)
        base.respond(resp, {'messages': found}, falcon.HTTP_201)


class Item(base.Resource):
    """``/v2/queues/{q}/claims/{claim_id}``: get, renew, release."""

    def on_get(self, req: falcon.Request, resp: falcon.Response,
               queue_name: str, claim_id: str) -> None:
        base.respond(resp, self.api.claims.get(req.context.ctx, queue_name,
                                               claim_id))

    def on_patch(self, req: falcon.Request, resp: falcon.Response,
                 queue_name: str, claim_id: str) -> None:
        doc, _ = request.read_object(req)
        self.api.claims.update(req.context.ctx, queue_name, claim_id,
                               ttl=doc.get('ttl'), grace=doc.get('grace'))
        resp.status = falcon.HTTP_204

    def on_delete(self, req: falcon.Request, resp: falcon.Response,
                  queue_name: str, claim_id: str) -> None:
        self.api.claims.delete(req.context.ctx, queue_name, claim_id)
        resp.status = falcon.HTTP_204
