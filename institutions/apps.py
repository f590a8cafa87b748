from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstitutionsConfig(AppConfig):
    name = "institutions"
    verbose_name = _("Institutions")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from desk import dashboard
        from readers.signals import reader_signed_in
        from sitecache import register_first_read

        from .dashboard import institutions_panel
        from .lookup import SNAPSHOT_KEY, snapshot_changed
        from .models import Institution, InstitutionRange
        from .receivers import grant_on_sign_in

        dashboard.register_panel(institutions_panel, order=38)
        reader_signed_in.connect(grant_on_sign_in, dispatch_uid="institutions-grant-on-sign-in")
        for model in (Institution, InstitutionRange):
            uid = f"institutions-ranges-{model.__name__}"
            post_save.connect(snapshot_changed, sender=model, dispatch_uid=f"{uid}-save")
            post_delete.connect(snapshot_changed, sender=model, dispatch_uid=f"{uid}-delete")
        register_first_read(lambda request: [SNAPSHOT_KEY])  # every request consults it
