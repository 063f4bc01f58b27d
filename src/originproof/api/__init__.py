"""HTTP API v1 (api.md): an app that only includes routers, the auth dependencies, error shapes."""
