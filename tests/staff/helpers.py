"""The steps of a staff sign-in for the staff tests: the password form, and a session half signed in."""

from django.test import Client

from tests.factories import PASSWORD
from tests.staff_login import force_login_unverified

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
