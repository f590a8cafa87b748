"""Passkeys (django-otp-webauthn) as a second factor, under the same lockout and audit as codes.

The library's views do the WebAuthn ceremonies; these subclasses add what the magazine needs: a locked
account or address cannot start or finish a passkey check, a failed check counts as a failed sign-in,
a passed one completes the sign-in (or renews the factor's freshness) like a code does.
"""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import exceptions, views

from guards.lockout import failure_record

from .audit import Kind, audit_record
from .twofactor import locked_out, session_verify


class PasskeyLockedOut(exceptions.OTPWebAuthnApiError):
    status_code = 429
    default_detail = _("Too many failed attempts. Wait, or ask another administrator to help.")
    default_code = "locked_out"


# Failures that are no attempt at someone's passkey (a stale page, a doubled click).
NOT_COUNTED = (exceptions.InvalidState, exceptions.NotAuthenticated, exceptions.PasswordlessLoginDisabled)


class LockoutMixin:
    def check_can_authenticate(self):
        super().check_can_authenticate()
        if locked_out(self.request):
            raise PasskeyLockedOut()


class PasskeyAuthenticationBegin(LockoutMixin, views.BeginCredentialAuthenticationView):
    pass


class PasskeyAuthenticationComplete(LockoutMixin, views.CompleteCredentialAuthenticationView):
    def post(self, *args, **kwargs):
        try:
            return super().post(*args, **kwargs)
        except exceptions.OTPWebAuthnApiError as error:
            if not isinstance(error, NOT_COUNTED):
                user = self.request.user
                failure_record(self.request, user.get_username())
                audit_record(Kind.SIGN_IN_FAILED, user=user, detail=f"passkey: {error.code}")
            raise

    def complete_auth(self, device):
        session_verify(self.request, device)

    def get_success_url(self):
        return self.get_redirect_url() or reverse("admin:index")


class PasskeyRegistrationComplete(views.CompleteCredentialRegistrationView):
    """Registering the first factor completes the sign-in, as entering the first app code does."""

    def post(self, *args, **kwargs):
        signing_in = not self.request.user.is_verified()
        response = super().post(*args, **kwargs)
        if signing_in and response.status_code == 200 and self.request.user.is_verified():
            session_verify(self.request, self.request.user.otp_device, signing_in=True)
        return response


app_name = "otp_webauthn"  # the library's template tags reverse these names
urlpatterns = [
    path(
        "registration/begin/",
        views.BeginCredentialRegistrationView.as_view(),
        name="credential-registration-begin",
    ),
    path(
        "registration/complete/",
        PasskeyRegistrationComplete.as_view(),
        name="credential-registration-complete",
    ),
    path(
        "authentication/begin/",
        PasskeyAuthenticationBegin.as_view(),
        name="credential-authentication-begin",
    ),
    path(
        "authentication/complete/",
        PasskeyAuthenticationComplete.as_view(),
        name="credential-authentication-complete",
    ),
    # The library ships no uz or ru: issues/locale/*/LC_MESSAGES/djangojs.po translates its buttons.
    path(
        "jsi18n/",
        JavaScriptCatalog.as_view(packages=["django_otp_webauthn", "issues"]),
        name="js-i18n-catalog",
    ),
]
