"""An HTTP JSON service around the engine: ``incentives serve``, or :func:`create_app` in
an ASGI server of your own. Needs the ``serve`` extra (FastAPI and uvicorn)."""

from __future__ import annotations

from ._answers import CODES
from ._app import Settings, create_app

__all__ = ["CODES", "Settings", "create_app"]
