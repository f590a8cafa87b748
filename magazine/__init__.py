"""The project: settings, the root URLconf, WSGI and ASGI. Not an installed app; the magazine's own
domain is `issues/` (app label "magazine"), the shared infrastructure lives in rooms of its own
(ARCHITECTURE.md)."""
