"""Editorial writes told to the audit log, without importing it.

The rooms below `staff` or beside it (revisions, articles, comments, approvals, readers) and
`subscriptions` call
`audit` after a write that several entry points share (publishing, restoring a revision, moderating,
an interviewee's approval, announcing, granting access); `staff` connects `audited` in its
`AppConfig.ready()` and stores each one with `staff.audit.audit_record`. `kind` is a value of
`staff.models.AuditEvent.Kind`; `by` is the staff user who did it (None: a command, a task, a reader).
"""

from django.dispatch import Signal

# Sent after an editorial write: kind, by (a user or None), detail (a short text naming what changed).
audited = Signal()


def audit(kind: str, *, by=None, detail: str = "") -> None:
    """Tell the audit log that `by` did `kind` (to the object `detail` names)."""
    by = by if by is not None and by.is_authenticated else None
    audited.send(sender=audit, kind=kind, by=by, detail=detail)
