"""The HTTP API for backend services (FastAPI): ``create_app`` builds it, ``serve`` runs it with uvicorn."""

from trajectories.api.app import create_app

__all__ = ["create_app"]
