"""``/v2/queues/{q}/messages`` and one message."""

import falcon

from zaqar_lite.api import errors
from zaqar_lite.api import formatting
from zaqar_lite.transport.wsgi import request
from zaqar_lite.transport.wsgi.resources import base


class Collection(base.Resource):
    """``/v2/queues/{q}/messages``: post, list or get by ids, delete by
    ids or pop."""

    def on_post(self, req: falcon.Request, resp: falcon.Response,
                queue_name: str) -> None:
        """Post a batch: 201 with Location ``?ids=`` and the hrefs."""
        doc, size = request.read_object(
            req, max_size=self.api.conf.transport.max_messages_post_size)
        if 'messages' not in doc:
            raise errors.InvalidBody('Missing "messages" key.')
        ids = self.api.messages.post(req.context.ctx, queue_name,
                                     doc['messages'], size=size)
        resp.location = '/v2/queues/%s/messages?ids=%s' % (
            queue_name, ','.join(ids))
        base.respond(resp, {'resources': [
            formatting.message_href(queue_name, i) for i in ids]},
            falcon.HTTP_201)

    def on_get(self, req: falcon.Request, resp: falcon.Response,
               queue_name: str) -> None:
        ctx = req.context.ctx
        ids = request.list_param(req, 'ids')
        if ids is not None:
            body = self.api.messages.get_many(ctx, queue_name, ids)
        else:
            body = self.api.messages.list(
                ctx, queue_name, marker=req.get_param('marker'),
                limit=request.int_param(req, 'limit'),
                echo=request.bool_param(req, 'echo'),
                include_claimed=request.bool_param(req, 'include_claimed'),
                include_delayed=request.bool_param(req, 'include_delayed'))
        base.respond(resp, body)

    def on_delete(self, req: falcon.Request, resp: falcon.Response,
                  queue_name: str) -> None:
        popped = self.api.messages.delete_selected(
            req.context.ctx, queue_name,
            ids=request.list_param(req, 'ids'),
            pop=request.int_param(req, 'pop'),
            claim_ids=request.list_param(req, 'claim_ids'))
        if popped is None:
            resp.status = falcon.HTTP_204
        else:
            base.respond(resp, popped)


class Item(base.Resource):
    """``/v2/queues/{q}/messages/{message_id}``: get, delete."""

    def on_get(self, req: falcon.Request, resp: falcon.Response,
               queue_name: str, message_id: str) -> None:
        base.respond(resp, self.api.messages.get(req.context.ctx,
                                                 queue_name, message_id))

    def on_delete(self, req: falcon.Request, resp: falcon.Response,
                  queue_name: str, message_id: str) -> None:
        self.api.messages.delete(req.context.ctx, queue_name, message_id,
                                 claim_id=req.get_param('claim_id'))
        resp.status = falcon.HTTP_204
