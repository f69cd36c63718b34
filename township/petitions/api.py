"""API of the petitions capability (mounted at /api/v1/petitions/)."""

from ninja import Router

router = Router(tags=["petitions"])
