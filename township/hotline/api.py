"""API of the hotline capability (mounted at /api/v1/hotline/)."""

from ninja import Router

router = Router(tags=["hotline"])
