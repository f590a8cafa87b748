"""The audit log's one writer: every security event of a staff account goes through `audit_record`."""

import logging

from guards.ratelimit import client_ip

from .context import current_request
from .models import AuditEvent

logger = logging.getLogger(__name__)
Kind = AuditEvent.Kind


def audit_record(kind, *, user=None, username="", detail="", request=None, actor=None):
    """Store one event about `user` (or a typed `username`); the actor and address come from the request.

    `request` defaults to the request being served; without one (a management command) the actor is
    empty and the address blank.
    """
    request = request or current_request.get()
    if actor is None and request is not None:
        request_user = getattr(request, "user", None)
        actor = request_user if request_user is not None and request_user.is_authenticated else None
    event = AuditEvent.objects.create(
        kind=kind,
        user=user if user is not None and user.pk else None,
        username=(user.get_username() if user is not None else username)[:150],
        actor=actor,
        actor_name=actor.get_username() if actor is not None else "",
        ip=client_ip(request)[:64] if request is not None else "",
        detail=str(detail)[:500],
    )
    logger.info("audit %s user=%s actor=%s %s", kind, event.username, event.actor_name, event.detail)
    return event
