from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    """The admin with our site class (login lockout and the second factor); INSTALLED_APPS names it."""

    default_site = "staff.admin_site.StaffAdminSite"
