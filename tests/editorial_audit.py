"""Reading the audit log in the tests of the editorial services (publish, restore, moderate, approve,
announce, grant access)."""

from staff.models import AuditEvent


def audit_events(kind):
    """[(actor's username or "", detail)] of the audit events of `kind`, oldest first."""
    rows = AuditEvent.objects.filter(kind=kind).order_by("created_at", "pk")
    return [(event.actor_name, event.detail) for event in rows]
