from desk.site import MagazineAdminSite

from .forms import PasswordStepForm
from .twofactor import session_is_verified


class StaffAdminSite(MagazineAdminSite):
    """The magazine's admin, open to a staff session only once its second factor is given."""

    login_form = PasswordStepForm

    def has_permission(self, request):
        return super().has_permission(request) and session_is_verified(request)
