"""HTTP layer: routes and request/response schemas."""
