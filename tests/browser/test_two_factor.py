"""Two-factor sign-in in the browser, in Uzbek: an authenticator app, recovery codes, a passkey."""

from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from tests.browser.conftest import SCREENSHOTS
from tests.factories import make_editor
from tests.staff_login import totp_code

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PASSWORD = "a-long-demo-password"


@pytest.fixture
def uz_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        extra_http_headers={"Accept-Language": "uz"},
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    page.wait_for_load_state("networkidle")  # no request of this page still in the live server's threads
    context.close()


def shoot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def password_step(page, username):
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/two-factor/**")


def code_step(page, code):
    page.fill("#id_code", code)
    page.click("#two-factor-form input[type=submit]")


def at_admin_index(page):
    page.wait_for_url(lambda url: url.endswith("/admin/") and "two-factor" not in url)


def sign_out(page):
    page.click("#logout-form button")
    page.wait_for_url("**/admin/logout/")


def test_an_editor_enrols_an_app_signs_in_with_its_code_and_uses_a_recovery_code_once(uz_page):
    page = uz_page
    editor = make_editor(username="dilnoza", password=PASSWORD)
    password_step(page, "dilnoza")
    assert "/admin/two-factor/enrol/" in page.url
    assert page.locator("html").get_attribute("lang") == "uz"
    assert "Ikki bosqichli kirish" in page.content() or "ikki bosqichli" in page.content().lower()
    shoot(page, "two-factor-enrol-uz")
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.fill("#id_code", f"{TOTP(b32decode(secret)).token():06d}")
    page.click("form[action='/admin/two-factor/enrol/'] input[type=submit]")

    page.wait_for_url("**/admin/two-factor/recovery-codes/**")
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    shoot(page, "two-factor-recovery-codes-uz")
    page.click("#recovery-codes-done")
    at_admin_index(page)
    assert page.locator("#user-tools").is_visible()
    sign_out(page)

    password_step(page, "dilnoza")
    code_step(page, totp_code(TOTPDevice.objects.get(user=editor)))
    at_admin_index(page)
    sign_out(page)

    password_step(page, "dilnoza")
    code_step(page, codes[0])
    at_admin_index(page)
    sign_out(page)

    password_step(page, "dilnoza")
    code_step(page, codes[0])
    page.wait_for_selector(".errorlist")
    assert "/admin/two-factor/" in page.url
    shoot(page, "two-factor-used-recovery-code-uz")
    page.goto("/admin/")
    assert "/admin/two-factor/" in page.url  # still not signed in


def test_an_editor_signs_in_with_a_passkey_of_a_virtual_authenticator(uz_page, live_server, settings):
    """Chromium's DevTools WebAuthn domain gives the page a virtual platform authenticator, so the real
    library JavaScript runs both ceremonies against the real server checks."""
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    page = uz_page
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    editor = make_editor(username="sardor", password=PASSWORD)
    password_step(page, "sardor")
    page.click("#passkey-register-button")
    page.wait_for_url("**/admin/two-factor/recovery-codes/**")
    assert WebAuthnCredential.objects.filter(user=editor).count() == 1
    page.click("#recovery-codes-done")
    at_admin_index(page)
    sign_out(page)

    password_step(page, "sardor")
    page.click("#passkey-verification-button")
    at_admin_index(page)
    assert page.locator("#user-tools").is_visible()
    assert WebAuthnCredential.objects.get(user=editor).last_used_at is not None
