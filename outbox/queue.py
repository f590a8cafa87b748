"""Small helpers around Django's tasks framework, shared by every app that queues work."""

import logging

logger = logging.getLogger(__name__)


def enqueue_at(task, when, *args, **kwargs):
    """Enqueue `task` to run no earlier than `when`; None if the backend cannot defer.

    The database backend defers. One that runs tasks at once (the ImmediateBackend of the tests) cannot:
    the work stays due, and `manage.py outbox_recover` or the admin's retry action picks it up.
    """
    if not task.get_backend().supports_defer:
        logger.info("Task backend cannot defer %s to %s: left for a retry by hand.", task.name, when)
        return None
    return task.using(run_after=when).enqueue(*args, **kwargs)
