"""Browser helpers shared by the journeys."""

from django.contrib.auth import get_user_model

from tests.staff_login import authenticator_for, totp_code


def admin_sign_in(page, username, password, *, next_path="/admin/"):
    """Sign in through the admin as a person does: the password form, then the second-factor page
    with the code of the user's authenticator app (one is made for the user if they have none)."""
    device = authenticator_for(get_user_model().objects.get(username=username))
    page.goto(f"/admin/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/two-factor/**")
    page.fill("#id_code", totp_code(device))
    page.click("#two-factor-form input[type=submit]")
    page.wait_for_url(lambda url: "/two-factor/" not in url)


def shoot(page, screenshot, name):
    """Screenshots at the two widths the issues ask for."""
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(f"{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})
