"""Route handlers of the REST API, one module per resource; `api.app` mounts them."""
