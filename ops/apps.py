"""The operations app: it forgets a request's id when the request ends and registers the deploy checks."""

from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = "Operations"

    def ready(self):
        from django.core.signals import request_finished

        from ops import checks  # noqa: F401 (checks register themselves)
        from ops.request_id import forget_request_id

        request_finished.connect(forget_request_id, dispatch_uid="forget-request-id")
