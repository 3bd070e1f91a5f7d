"""falcon resources of the v2 API, one module per kind of resource."""
