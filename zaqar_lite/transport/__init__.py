"""Transports: how requests reach the v2 operation layer (HTTP, websocket)."""
