"""API of the mediation capability (mounted at /api/v1/mediation/)."""

from ninja import Router

router = Router(tags=["mediation"])
