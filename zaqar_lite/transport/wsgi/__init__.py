"""The HTTP transport: falcon resources on the v2 operation layer."""
