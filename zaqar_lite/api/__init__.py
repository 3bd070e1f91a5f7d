"""The v2 operation layer: one implementation of every v2 operation.

Both transports (HTTP and websocket) parse their requests, then call this
layer, which validates, applies limits and defaults, scopes everything to
the caller's project, talks to storage and returns JSON-ready results.
"""
