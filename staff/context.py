"""The request being served, for code that runs inside it without being handed it (model signals)."""

from contextvars import ContextVar

current_request = ContextVar("current_request", default=None)
