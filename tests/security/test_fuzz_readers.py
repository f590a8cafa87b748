"""Arbitrary input to the readers' forms and links: never a 500, and nothing beyond what the rules allow.

Strategies and helpers come from test_fuzz (the forms of comments and subscriptions).
"""

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import example, given, strategies as st

from readers.models import AccessGrant, Reader, SignInToken
from readers.services import reader_email
from readers.sessions import SESSION_KEY
from tests.factories import make_grant, make_manager, make_print_first, make_reader
from tests.readers.helpers import letter_code, letter_token, sign_in_as
from tests.security.test_fuzz import (
    EMAIL,
    FIELD,
    LANGUAGES,
    REMOTE_ADDR,
    SEGMENT,
    TEXT,
    UNSAFE_NEXT,
    assert_not_a_server_error,
    either,
    fuzz,
    post_form,
    redirect_target,
    segment,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.READERS_SIGN_IN_PER_EMAIL = 1000
    settings.READERS_SIGN_IN_PER_IP = 1000


def signed_in_pk(client):
    value = client.session.get(SESSION_KEY)
    return value[0] if value else None


def assert_readers_within_rules():
    for email in Reader.objects.values_list("email", flat=True):
        assert reader_email(email) == email, repr(email)
    for email in SignInToken.objects.values_list("email", flat=True):
        assert reader_email(email) == email, repr(email)


@fuzz(80)
@given(
    email=EMAIL,
    next_url=either(st.sampled_from(UNSAFE_NEXT), TEXT),
    encoding=st.sampled_from(["multipart", "urlencoded"]),
    ip=REMOTE_ADDR,
    language=st.sampled_from(LANGUAGES),
)
@example(email="Reader@Bücher.de ", next_url="/uz/", encoding="multipart", ip="198.51.100.1", language="uz")
def test_sign_in_posts_never_fail_and_write_letters_only_to_clean_addresses(
    mailoutbox, django_capture_on_commit_callbacks, email, next_url, encoding, ip, language
):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_form(
            client,
            f"/{language}/account/sign-in/",
            {"email": email, "next": next_url},
            encoding,
            REMOTE_ADDR=ip,
        )
    assert_not_a_server_error(response)
    assert response.status_code in (302, 400, 429)
    assert_readers_within_rules()
    assert not Reader.objects.exists()  # asking makes no account
    assert {m.to[0] for m in mailoutbox} <= set(SignInToken.objects.values_list("email", flat=True))
    for token in SignInToken.objects.all():
        assert token.next_path == "" or (
            token.next_path.startswith("/") and redirect_target(token.next_path) == ("", "")
        )


@fuzz(60)
@given(code=either(st.sampled_from(["000000", "12345", "١٢٣٤٥٦", "", "1" * 7]), FIELD), right=st.booleans())
def test_codes_never_fail_and_only_the_right_one_signs_in(
    mailoutbox, django_capture_on_commit_callbacks, code, right
):
    cache.clear()  # the examples share the test's cache: earlier wrong codes would lock the address
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/account/sign-in/", {"email": "reader@example.org"})
    real = letter_code(mailoutbox[-1])
    data = {"code": real if right else code}
    response = client.post("/en/account/sign-in/check-inbox/", data)
    assert_not_a_server_error(response)
    typed_right = isinstance(data["code"], str) and "".join(data["code"].split()).replace("-", "") == real
    assert (signed_in_pk(client) is not None) == (response.status_code == 302) == typed_right


@fuzz(60)
@given(
    drawn=either(st.sampled_from(["exact", "tampered", "truncated", "upper", "doubled"]), SEGMENT),
    method=st.sampled_from(["get", "post"]),
    language=st.sampled_from(LANGUAGES),
)
def test_sign_in_links_never_fail_and_only_the_letters_own_signs_in(
    mailoutbox, django_capture_on_commit_callbacks, drawn, method, language
):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/account/sign-in/", {"email": "reader@example.org"})
    token = letter_token(mailoutbox[-1])
    link = {
        "exact": token,
        "tampered": token[:-1] + ("A" if token[-1] != "A" else "B"),
        "truncated": token[: len(token) // 2],
        "upper": token.upper(),
        "doubled": token * 2,
    }.get(drawn, drawn)
    response = getattr(client, method)(f"/{language}/account/sign-in/link/{segment(link)}/")
    assert_not_a_server_error(response)
    genuine = link == token
    assert (signed_in_pk(client) is not None) == (genuine and method == "post")
    assert SignInToken.objects.exists() == (not genuine or method == "get")


@fuzz(50)
@given(
    language=FIELD,
    action=FIELD,
    path=st.sampled_from(["/en/account/language/", "/en/account/newsletter/"]),
)
def test_account_forms_never_fail_and_keep_the_reader_valid(language, action, path):
    reader = make_reader()
    client = sign_in_as(Client(), reader)
    response = client.post(path, {"language": language, "action": action})
    assert_not_a_server_error(response)
    reader.refresh_from_db()
    assert reader.language in LANGUAGES


@fuzz(40)
@given(
    first=either(st.sampled_from(["2026-01-01", "2026-02-31", "", "31.12.2026"]), TEXT),
    last=either(st.sampled_from(["2025-12-31", "2026-12-31", "", "9999-12-31", "0001-01-01"]), TEXT),
    email=EMAIL,
    scope=st.sampled_from(["everything", "issues", "", "all"]),
)
def test_the_grant_form_never_fails_and_saves_only_valid_grants(first, last, email, scope):

    client = Client()
    client.force_login(make_manager())
    data = {"email": email, "scope": scope, "first_day": first, "last_day": last, "reason": "complimentary"}
    response = client.post("/admin/readers/accessgrant/add/", data)
    assert_not_a_server_error(response)
    for grant in AccessGrant.objects.all():
        assert grant.ends_at is None or grant.ends_at > grant.starts_at
        assert grant.scope == "everything"  # no issue was ever chosen
    assert_readers_within_rules()


def test_a_reader_without_access_never_gets_the_hidden_text_whatever_the_query(client):
    article = make_print_first()
    reader = make_reader()
    make_grant(reader=reader, revoked_at=reader.created_at)
    sign_in_as(client, reader)
    for query in ("", "?preview=1", "?cpage=2", "?replytocom=1", "?next=/", "?whole=1"):
        assert "HIDDENMARKER" not in client.get(article.get_absolute_url() + query).content.decode()
