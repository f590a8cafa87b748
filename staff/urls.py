from django.urls import path

from . import views

app_name = "staff"
urlpatterns = [
    path("", views.verify, name="verify"),
    path("enrol/", views.enrol, name="enrol"),
    path("recovery-codes/", views.recovery_codes, name="recovery-codes"),
    path("recovery-codes/renew/", views.recovery_codes_renew, name="recovery-codes-renew"),
    path("settings/", views.security_settings, name="settings"),
    path("sign-out/", views.sign_out, name="sign-out"),
]
