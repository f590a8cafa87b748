from django.test import Client

from tests.factories import make_editor
from tests.staff_login import force_login_unverified

PASSWORD = "a-good-long-password"
VERIFY = "/admin/two-factor/"
ENROL = "/admin/two-factor/enrol/"


def sign_in_password(client, username, password=PASSWORD, ip="10.0.0.1"):
    """The first step of a sign-in: the admin's password form."""
    return client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def half_signed_in(user, **client_kwargs):
    """A client whose session gave the password of `user` but no second factor yet."""
    client = Client(**client_kwargs)
    force_login_unverified(client, user)
    return client


def make_staff(**fields):
    return make_editor(password=PASSWORD, **fields)
