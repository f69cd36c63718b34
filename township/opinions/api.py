"""API of the opinions capability (mounted at /api/v1/opinions/)."""

from ninja import Router

router = Router(tags=["opinions"])
