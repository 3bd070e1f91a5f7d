"""``/v2/queues`` and one queue: list, create, get, patch, delete, stats,
purge."""

import falcon

from zaqar_lite.api import errors
from zaqar_lite.api import formatting
from zaqar_lite.transport.wsgi import request
from zaqar_lite.transport.wsgi.resources import base

JSON_PATCH_TYPE = 'application/openstack-messaging-v2.0-json-patch'


class Collection(base.Resource):
    """``/v2/queues``: the project's queues, a page at a time."""

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        body = self.api.queues.list(
            req.context.ctx, marker=req.get_param('marker'),
            limit=request.int_param(req, 'limit'),
            detailed=request.bool_param(req, 'detailed'),
            with_count=request.bool_param(req, 'with_count'))
        base.respond(resp, body)


class Item(base.Resource):
    """``/v2/queues/{q}``: create, exists, get, patch, delete."""

    def on_put(self, req: falcon.Request, resp: falcon.Response,
               queue_name: str) -> None:
        """201 if created, 204 if it existed (metadata kept); Location."""
        metadata, _ = request.read_object(
            req, required=False,
            max_size=self.api.conf.transport.max_queue_metadata)
        created = self.api.queues.create(req.context.ctx, queue_name,
                                         metadata)
        resp.status = falcon.HTTP_201 if created else falcon.HTTP_204
        resp.location = formatting.queue_href(queue_name)

    def on_head(self, req: falcon.Request, resp: falcon.Response,
                queue_name: str) -> None:
        exists = self.api.queues.exists(req.context.ctx, queue_name)
        resp.status = falcon.HTTP_204 if exists else falcon.HTTP_404

    def on_get(self, req: falcon.Request, resp: falcon.Response,
               queue_name: str) -> None:
        base.respond(resp, self.api.queues.get(req.context.ctx, queue_name))

    def on_patch(self, req: falcon.Request, resp: falcon.Response,
                 queue_name: str) -> None:
        if request.media_type(req) != JSON_PATCH_TYPE:
            raise errors.APIError(
                'Accepted media type for PATCH: %s.' % JSON_PATCH_TYPE,
                title='Unsupported media type', status=415)
        ops, _ = request.read_json(
            req, max_size=2 * self.api.conf.transport.max_queue_metadata)
        base.respond(resp, self.api.queues.patch(req.context.ctx,
                                                 queue_name, ops))

    def on_delete(self, req: falcon.Request, resp: falcon.Response,
                  queue_name: str) -> None:
        self.api.queues.delete(req.context.ctx, queue_name)
        resp.status = falcon.HTTP_204


class Stats(base.Resource):
    """``/v2/queues/{q}/stats``."""

    def on_get(self, req: falcon.Request, resp: falcon.Response,
               queue_name: str) -> None:
        base.respond(resp, self.api.queues.stats(req.context.ctx,
                                                 queue_name))


class Purge(base.Resource):
    """``/v2/queues/{q}/purge``."""

    def on_post(self, req: falcon.Request, resp: falcon.Response,
                queue_name: str) -> None:
        doc, _ = request.read_object(req, required=False)
        types = (doc or {}).get('resource_types')
        self.api.queues.purge(req.context.ctx, queue_name, types)
        resp.status = falcon.HTTP_204
