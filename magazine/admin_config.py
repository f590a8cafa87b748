from django.contrib.admin.apps import AdminConfig


class MagazineAdminConfig(AdminConfig):
    """The admin with our site class (login lockout); kept apart so INSTALLED_APPS imports nothing else."""

    default_site = "magazine.admin_site.MagazineAdminSite"
