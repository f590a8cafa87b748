"""Arbitrary strings and bytes posted to every public form and query parameter.

Every response must be below 500, and after every example whatever was stored (comments, subscribers)
and sent (letters) must still follow the rules the forms and services are meant to enforce.
"""

import operator
import os
import re
import time
from collections import Counter
from urllib.parse import quote, quote_from_bytes, urlencode, urlsplit

import pytest
from django.core import signing
from django.core.validators import validate_email
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, event, example, given, settings as hypothesis_settings, strategies as st

from comments.forms import rendered_at_token
from comments.models import Comment, DiscussionSettings
from subscriptions.addresses import normalize_email
from subscriptions.models import Subscriber
from subscriptions.tokens import CONFIRM_SALT, UNSUBSCRIBE_SALT, confirm_token_make, unsubscribe_token_make
from tests.factories import make_article, make_comment, make_event, make_issue, make_section, make_subscriber

pytestmark = [
    pytest.mark.django_db,
    # whitenoise warns once per Client (each builds its middleware) that collectstatic has not run.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

SUPPRESSED = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


def fuzz(max_examples):
    """Hypothesis settings; FUZZ_SCALE=20 in the environment searches 20 times longer than the suite."""
    # database=None: no .hypothesis folder in the work tree; failures print their reproducing example.
    return hypothesis_settings(
        max_examples=max_examples * int(os.environ.get("FUZZ_SCALE") or 1),
        deadline=None,
        suppress_health_check=SUPPRESSED,
        database=None,
    )


# The Trojan Source set (CVE-2021-42574): embeddings, overrides and isolates that reorder displayed text.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
LANGUAGES = ["uz", "ru", "en"]
NASTY = [
    "\x00",
    "\u202e",
    "\u202d",
    "\u2066",
    "\u2069",
    "\u200f",
    "\ufeff",
    "\r\n",
    "\r",
    "\n",
    "\t",
    "\x0b",
    "\x1b[31m",
    "\x7f",
    "\x85",
    "\u2028",
    "\u0130",  # "İ": lower-cases to two characters
    "ß",
    "ﬃ",
    "\U0001f600",
    "%00",
    "%",
    "<script>alert(1)</script>",
    "'\"",
    "\\",
    "{{ request }}",
    "{% debug %}",
    "https://a.example/",
    "@",
    "..",
    "/",
    "?",
    "#",
    " ",
]
SHORT_TEXT = st.text(max_size=40)  # Hypothesis' text never holds surrogates; it does hold NUL
NASTY_TEXT = st.lists(st.one_of(SHORT_TEXT, st.sampled_from(NASTY)), max_size=12).map("".join)
LONG_TEXT = st.builds(
    operator.mul, st.sampled_from(["a", "\u0130", "ab ", "\u202e", "\x00", "ж"]), st.integers(90, 6000)
)
TEXT = st.one_of(st.text(max_size=300), NASTY_TEXT, LONG_TEXT)
FIELD = st.one_of(TEXT, st.lists(SHORT_TEXT, min_size=2, max_size=3))  # a list: the key repeated
NUMBERISH = st.one_of(
    st.integers().map(str),
    st.sampled_from(["0", "-1", "1.5", "1e9", " 2 ", "٣", "9" * 30, "9" * 5000, "last", "NaN", "inf"]),
)
PARAM = st.one_of(TEXT, NUMBERISH)
KNOWN_SEGMENTS = ["2025", "1-2", "region", "water", "water-and-borders", "uz"]
SEGMENT = st.one_of(
    TEXT,
    NUMBERISH,
    st.from_regex(r"[-a-zA-Z0-9_]{1,60}", fullmatch=True),
    st.from_regex(r"\d{1,2}-\d{1,2}", fullmatch=True),
)

EMAIL_POOL = [
    "reader@example.com",
    "Dilnoza.K@Example.UZ",
    "known@example.com",
    "x@bücher.de",
    "bot@spam.example",
]
TRICKY_EMAILS = [
    " reader@example.com ",
    "reader@EXAMPLE.COM",
    "READER@example.com",
    "reader@ＥＸＡＭＰＬＥ.com",
    "ä@example.com",
    "reader@BÜCHER.de",
    "reader@ß.de",
    "reader@\u0130.com",
    "a@" + "\u0130" * 60 + ".com",
    "a@" + ".".join(["\u0130" * 60] * 4) + ".uz",
    '"quoted@at"@example.com',
    '"q"@Example.com',
    "reader@[127.0.0.1]",
    "reader@[IPv6:::1]",
    "reader@localhost",
    "reader@xn--80ak6aa92e.com",
    "reader\x00@example.com",
    "reader@exa\u202emple.com",
    "reader@ex\u00adample.com",
    "reader@example.com\n",
    "a" * 64 + "@" + "b" * 63 + ".com",
    "a" * 200 + "@" + "b" * 60 + ".com",
    "a@b..com",
    "a@-b.com",
    "@example.com",
    "reader@",
    "re ader@example.com",
    "reader@example.com.",
]


def mixed_case(address, upper):
    return "".join(ch.upper() if flag else ch for ch, flag in zip(address, upper, strict=False))


EMAIL = st.one_of(
    st.emails(),
    st.builds(mixed_case, st.sampled_from(EMAIL_POOL), st.lists(st.booleans(), min_size=40, max_size=40)),
    st.sampled_from(TRICKY_EMAILS),
    st.builds("{}@{}".format, NASTY_TEXT, NASTY_TEXT),
    TEXT,
)
REMOTE_ADDR = st.one_of(st.sampled_from(["203.0.113.1", "203.0.113.2", "2001:db8::1", ""]), SHORT_TEXT)
CONTENT_TYPE = st.one_of(
    st.sampled_from(
        [
            "application/x-www-form-urlencoded",
            "application/x-www-form-urlencoded; charset=utf-16",
            "application/x-www-form-urlencoded; charset=no-such-charset",
            "multipart/form-data",
            "multipart/form-data; boundary=",
            "multipart/form-data; boundary=BoUnDaRy",
            "multipart/form-data; boundary=" + "b" * 200,
            "text/plain",
            "application/json",
            "",
        ]
    ),
    st.text(max_size=80),
)
MULTIPART_PART = st.builds(
    lambda name, headers, value: (
        b"--BoUnDaRy\r\nContent-Disposition: form-data; name="
        + name
        + headers
        + b"\r\n\r\n"
        + value
        + b"\r\n"
    ),
    st.one_of(st.sampled_from([b'"body"', b'"author_email"', b'"parent"', b'"email"', b"x"]), st.binary()),
    st.one_of(
        st.just(b""), st.binary(max_size=80), st.just(b'; filename="a.txt"\r\nContent-Type: text/plain')
    ),
    st.binary(max_size=300),
)
RAW_BODY = st.one_of(
    st.binary(max_size=2000),
    st.lists(MULTIPART_PART, max_size=4).map(lambda parts: b"".join(parts) + b"--BoUnDaRy--\r\n"),
    st.dictionaries(SHORT_TEXT, SHORT_TEXT, max_size=5).map(lambda data: urlencode(data).encode()),
)


def query_string(raw):
    """A query string whose values are arbitrary bytes (most of them not UTF-8)."""
    return "&".join(f"{quote_from_bytes(key)}={quote_from_bytes(value)}" for key, value in raw)


RAW_QUERY = st.lists(
    st.tuples(st.sampled_from([b"q", b"year", b"section", b"page", b"p", b"next"]), st.binary(max_size=60)),
    max_size=5,
).map(query_string)


def either(likely, other):
    """`likely` half of the time (st.one_of would flatten `other`'s own branches and so dilute it)."""
    return st.booleans().flatmap(lambda pick: likely if pick else other)


def segment(text):
    return quote(text, safe="")


def assert_not_a_server_error(response):
    event(f"status {response.status_code}")  # pytest --hypothesis-show-statistics shows what was reached
    assert response.status_code < 500, response.status_code


# The rules, checked after every example


def assert_comments_within_rules(settings):
    for comment in Comment.objects.select_related("parent"):
        assert comment.status in Comment.Status.values
        for text in (comment.author_name, comment.author_url, comment.body):
            assert "\x00" not in text and not BIDI_CONTROLS.intersection(text), repr(text)
        assert 0 < len(comment.body) <= settings.COMMENTS_MAX_LENGTH
        assert 0 < len(comment.author_name) <= 100 and len(comment.author_url) <= 200
        email = comment.author_email
        assert email == email.strip().lower() and len(email) <= 254, repr(email)
        validate_email(email)
        if comment.parent is None:
            assert comment.depth == 0
        else:
            assert comment.parent.article_id == comment.article_id
            assert comment.parent.status == Comment.Status.APPROVED
            assert comment.depth == comment.parent.depth + 1 < settings.COMMENTS_MAX_DEPTH


def assert_subscribers_within_rules():
    emails = list(Subscriber.objects.values_list("email", flat=True))
    for email in emails:
        validate_email(email)
        assert normalize_email(email) == email
        _local, _, domain = email.rpartition("@")
        assert domain == domain.lower() and domain.isascii(), repr(email)
    assert len({email.lower() for email in emails}) == len(emails), "an address is stored twice"
    for subscriber in Subscriber.objects.all():
        assert subscriber.status in Subscriber.Status.values


def confirmation_subjects():
    subjects = set()
    for code in LANGUAGES:
        with translation.override(code):
            subjects.add(" ".join(render_to_string("subscriptions/email/confirm_subject.txt").split()))
    return subjects


def assert_letters_within_rules(mailoutbox, subjects):
    """Only confirmed subscribers get anything but a confirmation; nobody gets two confirmations at once."""
    confirmations = Counter()
    for message in mailoutbox:
        (recipient,) = message.to
        subscriber = Subscriber.objects.with_email(recipient).first()
        assert subscriber is not None, recipient
        if message.subject in subjects and "/subscribe/confirm/" in message.body:
            confirmations[recipient.lower()] += 1
        else:
            assert subscriber.is_confirmed, (recipient, message.subject)
    # SUBSCRIPTIONS_CONFIRM_RESEND_SECONDS (an hour) is longer than the test: one letter per address.
    assert all(count == 1 for count in confirmations.values()), confirmations


# Fixtures


def refuse_nul(execute, sql, params, many, context):
    """Fail a query as psycopg2 does when a string parameter holds NUL, which PostgreSQL cannot store."""
    for row in (params or []) if many else [params or ()]:
        values = row.values() if isinstance(row, dict) else row
        if any(isinstance(value, str) and "\x00" in value for value in values):
            raise ValueError("A string literal cannot contain NUL (0x00) characters.")
    return execute(sql, params, many, context)


@pytest.fixture(autouse=True)
def _as_strict_as_postgresql():
    """SQLite takes NUL characters in queries; PostgreSQL (production) does not, so neither does this test."""
    with connection.execute_wrapper(refuse_nul):
        yield


@pytest.fixture(autouse=True)
def _limits(settings):
    """Limits high enough that most posts reach the form, low enough that 429 happens too."""
    settings.COMMENTS_RATE_PER_IP = 25
    settings.COMMENTS_RATE_PER_EMAIL = 10
    settings.SUBSCRIPTIONS_SUBSCRIBE_LIMIT = 25
    settings.EDITORS_EMAILS = ["desk@example.com"]


@pytest.fixture
def thread():
    """A commentable article, its thread (three levels deep), a pending comment and another article's."""
    DiscussionSettings(
        moderation=DiscussionSettings.Moderation.APPROVE_KNOWN,
        blocked_words="casino",
        blocked_emails="@spam.example",
        min_seconds_to_post=3,
    ).save()
    article = make_article(slug="water-and-borders", blocks=[("text", "<p>Water and borders.</p>")])
    top = make_comment(article=article, author_email="known@example.com")
    reply = make_comment(parent=top)
    deepest = make_comment(parent=reply)
    pending = make_comment(article=article, status=Comment.Status.PENDING)
    foreign = make_comment(article=make_article())
    return article, [top.pk, reply.pk, deepest.pk, pending.pk, foreign.pk]


@pytest.fixture
def site():
    """Something on every list page: an issue, a section, a tag, a sponsored article, a past event."""
    section = make_section(slug="region")
    issue = make_issue(year=2025, number_first=1, number_last=2)
    article = make_article(
        slug="water-and-borders", issue=issue, section=section, tags=["water"], is_sponsored=True
    )
    make_event(title="Round table", starts_at=article.publish_at)
    return issue, section


@pytest.fixture
def subjects():
    return confirmation_subjects()


# Comments

PARENT = st.one_of(
    st.integers(0, 4).map(lambda index: ("existing", index)),
    st.just(""),
    NUMBERISH,
    TEXT,
)
RENDERED_AT = st.one_of(
    st.floats(-1e6, 1e6, allow_nan=False).map(lambda age: ("age", age)),
    st.just(("age", 60.0)),
    TEXT,
)
READABLE = st.characters(categories=["L", "M", "N", "P", "S", "Zs"], exclude_characters=BIDI_CONTROLS)
COMMENT_VALID = {
    "author_name": st.text(READABLE, min_size=1, max_size=100).filter(str.strip),
    "author_email": st.one_of(
        st.emails(),
        st.builds(mixed_case, st.sampled_from(EMAIL_POOL), st.lists(st.booleans(), min_size=40, max_size=40)),
    ),
    "author_url": st.sampled_from(["", "https://reader.example", "http://example.uz/a?b=1"]),
    "body": st.lists(
        st.one_of(st.text(READABLE, max_size=80), st.sampled_from(["\n", "casino", " https://x.example "])),
        min_size=1,
        max_size=8,
    )
    .map("".join)
    .filter(str.strip),
    "parent": st.one_of(st.just(""), st.integers(0, 4).map(lambda index: ("existing", index))),
    "homepage": st.sampled_from(["", "", "http://bot.example"]),
    "rendered_at": st.floats(0, 1e5).map(lambda age: ("age", age)),
    "remember": st.sampled_from(["on", ""]),
}
COMMENT_FUZZED = {
    "author_name": FIELD,
    "author_email": st.one_of(EMAIL, FIELD),
    "author_url": st.one_of(
        FIELD, st.sampled_from(["javascript:alert(1)", "https://" + "a" * 300, "http://["])
    ),
    "body": FIELD,
    "parent": PARENT,
    "homepage": FIELD,
    "rendered_at": RENDERED_AT,
    "remember": st.one_of(st.sampled_from(["false", "0", "off"]), FIELD),
}


@st.composite
def forms(draw, valid, fuzzed):
    """A valid form with up to three fields replaced by arbitrary values or left out."""
    data = {name: draw(strategy) for name, strategy in valid.items()}
    for name in draw(st.lists(st.sampled_from(sorted(fuzzed)), unique=True, max_size=3)):
        value = draw(st.one_of(st.none(), fuzzed[name]))
        if value is None:
            del data[name]
        else:
            data[name] = value
    return data


COMMENT_FORM = forms(COMMENT_VALID, COMMENT_FUZZED)
VALID_COMMENT = {
    "author_name": "Aziz",
    "author_email": "known@example.com",
    "body": "Water is the question of the decade.",
    "rendered_at": ("age", 60.0),
    "remember": "on",
}


def comment_data(drawn, parents):
    data = dict(drawn)
    if isinstance(data.get("parent"), tuple):
        data["parent"] = str(parents[data["parent"][1]])
    if isinstance(data.get("rendered_at"), tuple):
        data["rendered_at"] = rendered_at_token(time.time() - data["rendered_at"][1])
    return data


def post_form(client, url, data, encoding, **extra):
    if encoding == "urlencoded":
        body = urlencode(data, doseq=True)
        return client.post(url, body, content_type="application/x-www-form-urlencoded", **extra)
    return client.post(url, data, **extra)


@fuzz(80)
@given(
    drawn=COMMENT_FORM,
    encoding=st.sampled_from(["multipart", "urlencoded"]),
    ip=REMOTE_ADDR,
    user_agent=TEXT,
)
@example(drawn=VALID_COMMENT, encoding="multipart", ip="198.51.100.1", user_agent="Firefox")
@example(
    drawn=VALID_COMMENT | {"author_email": "a@" + "\u0130" * 60 + ".com"},
    encoding="multipart",
    ip="198.51.100.2",
    user_agent="",
)
@example(
    drawn=VALID_COMMENT | {"author_email": "a@" + ".".join(["\u0130" * 60] * 4) + ".uz"},
    encoding="urlencoded",
    ip="198.51.100.3",
    user_agent="",
)
@example(
    drawn=VALID_COMMENT | {"body": "x" * 5001, "parent": ("existing", 2)},
    encoding="multipart",
    ip="198.51.100.4",
    user_agent="",
)
def test_comment_posts_never_fail_and_store_only_what_the_rules_allow(
    thread, settings, django_capture_on_commit_callbacks, drawn, encoding, ip, user_agent
):
    article, parents = thread
    client = Client(enforce_csrf_checks=False)
    url = reverse("comments:post", kwargs={"slug": article.slug})
    with django_capture_on_commit_callbacks(execute=True):
        response = post_form(
            client, url, comment_data(drawn, parents), encoding, REMOTE_ADDR=ip, HTTP_USER_AGENT=user_agent
        )
    assert_not_a_server_error(response)
    # The page then shows this browser's pending comment and remembered author, whatever they hold.
    assert client.get(article.get_absolute_url()).status_code == 200
    assert_comments_within_rules(settings)


@fuzz(60)
@given(body=RAW_BODY, content_type=CONTENT_TYPE)
def test_raw_bodies_of_any_type_never_fail_the_forms(
    thread, settings, django_capture_on_commit_callbacks, body, content_type
):
    article, _parents = thread
    settings.COMMENTS_RATE_PER_IP = settings.SUBSCRIPTIONS_SUBSCRIBE_LIMIT = 0  # off: every body is parsed
    client = Client(enforce_csrf_checks=False)
    for url in (reverse("comments:post", kwargs={"slug": article.slug}), reverse("subscriptions:subscribe")):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.generic("POST", url, body, content_type=content_type)
        assert_not_a_server_error(response)
    assert_comments_within_rules(settings)
    assert_subscribers_within_rules()


# Subscriptions

SUBSCRIBE_FORM = forms(
    {
        "email": st.one_of(
            st.emails(),
            st.builds(
                mixed_case, st.sampled_from(EMAIL_POOL), st.lists(st.booleans(), min_size=40, max_size=40)
            ),
            st.sampled_from(TRICKY_EMAILS),
        ),
        "language": st.sampled_from([*LANGUAGES, ""]),
        "website": st.sampled_from(["", "", "http://bot.example"]),
    },
    {
        "email": st.one_of(EMAIL, FIELD),
        "language": st.one_of(st.sampled_from(["de", "UZ", "uz-latn"]), FIELD),
        "website": FIELD,
    },
)


@fuzz(80)
@given(
    data=SUBSCRIBE_FORM,
    encoding=st.sampled_from(["multipart", "urlencoded"]),
    ip=REMOTE_ADDR,
    language=st.sampled_from(LANGUAGES),
)
@example(data={"email": "Reader@Example.COM"}, encoding="multipart", ip="198.51.100.1", language="uz")
@example(data={"email": "reader@example.com "}, encoding="urlencoded", ip="198.51.100.1", language="en")
@example(data={"email": "READER@EXAMPLE.COM"}, encoding="multipart", ip="198.51.100.1", language="ru")
@example(data={"email": "reader@ＥＸＡＭＰＬＥ.com"}, encoding="multipart", ip="198.51.100.1", language="ru")
def test_subscribe_posts_never_fail_and_send_only_confirmations(
    mailoutbox, subjects, django_capture_on_commit_callbacks, data, encoding, ip, language
):
    client = Client(enforce_csrf_checks=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_form(client, f"/{language}/subscribe/", data, encoding, REMOTE_ADDR=ip)
    assert_not_a_server_error(response)
    assert_subscribers_within_rules()
    assert_letters_within_rules(mailoutbox, subjects)
    # Every address accepted as pending got its confirmation letter (a crash in sending would be swallowed).
    pending = Subscriber.objects.filter(status=Subscriber.Status.PENDING)
    assert {s.email.lower() for s in pending} <= {m.to[0].lower() for m in mailoutbox}


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | SHORT_TEXT,
    lambda children: st.lists(children, max_size=3),
    max_leaves=6,
)
MADE_TOKEN = st.tuples(
    st.just("made"),
    st.sampled_from(["confirm", "unsubscribe"]),
    st.integers(0, 2),
    st.sampled_from(["exact", "exact", "exact", "tampered", "truncated", "upper"]),
)
TOKEN = either(
    MADE_TOKEN,
    st.one_of(
        st.tuples(st.just("signed"), st.sampled_from([CONFIRM_SALT, UNSUBSCRIBE_SALT, "other"]), JSON), TEXT
    ),
)


@pytest.fixture
def subscribers():
    return [
        make_subscriber(status=Subscriber.Status.PENDING),
        make_subscriber(status=Subscriber.Status.CONFIRMED),
        make_subscriber(status=Subscriber.Status.UNSUBSCRIBED),
    ]


def resolve_token(drawn, subscribers):
    """(token text, (purpose, pk) if the token is a genuine one for that subscriber, else None)."""
    if isinstance(drawn, str):
        return drawn, None
    if drawn[0] == "signed":
        _kind, salt, payload = drawn
        genuine = None
        for subscriber in subscribers:
            if payload == [subscriber.pk, subscriber.email] and salt in (CONFIRM_SALT, UNSUBSCRIBE_SALT):
                genuine = ("confirm" if salt == CONFIRM_SALT else "unsubscribe", subscriber.pk)
        return signing.dumps(payload, salt=salt), genuine
    _kind, purpose, index, change = drawn
    subscriber = subscribers[index]
    make = confirm_token_make if purpose == "confirm" else unsubscribe_token_make
    token = make(subscriber)
    if change == "exact":
        return token, (purpose, subscriber.pk)
    if change == "tampered":
        return token[:-1] + ("A" if token[-1] != "A" else "B"), None
    if change == "truncated":
        return token[: len(token) // 2], None
    return token.upper(), None


@fuzz(70)
@given(
    drawn=TOKEN,
    action=st.sampled_from(["confirm", "confirm-post", "unsubscribe", "unsubscribe-post"]),
    language=st.sampled_from(LANGUAGES),
    same_purpose=st.booleans(),
)
def test_token_links_never_fail_and_change_only_the_subscriber_they_were_made_for(
    subscribers, drawn, action, language, same_purpose
):
    # Half of the time a token made by the app is sent to the link it was made for.
    if same_purpose and isinstance(drawn, tuple) and drawn[0] == "made":
        drawn = ("made", action.partition("-")[0], *drawn[2:])
    token, genuine = resolve_token(drawn, subscribers)
    before = dict(Subscriber.objects.values_list("pk", "status"))
    client = Client(enforce_csrf_checks=True)  # the one-click unsubscribe POST carries no CSRF token
    if action.startswith("confirm"):
        url = f"/{language}/subscribe/confirm/{segment(token)}/"
    else:
        url = f"/{language}/unsubscribe/{segment(token)}/"
    response = client.post(url) if action.endswith("-post") else client.get(url)
    assert_not_a_server_error(response)
    after = dict(Subscriber.objects.values_list("pk", "status"))
    for pk, status in after.items():
        expected = before[pk]
        if genuine == ("confirm", pk) and action == "confirm" and expected == Subscriber.Status.PENDING:
            expected = Subscriber.Status.CONFIRMED
        if genuine == ("unsubscribe", pk) and action == "unsubscribe-post":
            expected = Subscriber.Status.UNSUBSCRIBED
        assert status == expected, (pk, before[pk], status, action)
    assert_subscribers_within_rules()


# Query parameters and URL segments


@fuzz(60)
@given(
    params=st.fixed_dictionaries({}, optional={"q": PARAM, "year": PARAM, "section": PARAM, "page": PARAM}),
    raw=st.one_of(st.none(), RAW_QUERY),
    language=st.sampled_from(LANGUAGES),
)
@example(
    params={"q": "water", "year": "2025", "section": "region", "page": "9" * 5000}, raw=None, language="uz"
)
def test_search_parameters_never_fail(site, params, raw, language):
    url = f"/{language}/search/"
    response = Client().get(url, QUERY_STRING=raw) if raw is not None else Client().get(url, params)
    assert_not_a_server_error(response)


LIST_PAGES = [
    ("/{lang}/", "page"),
    ("/{lang}/issues/", "page"),
    ("/{lang}/issues/2025/1-2/", "page"),
    ("/{lang}/events/", "page"),
    ("/{lang}/pr/", "page"),
    ("/{lang}/sections/region/", "page"),
    ("/{lang}/tags/water/", "page"),
    ("/sitemap.xml", "p"),
]


@fuzz(60)
@given(
    page=st.sampled_from(LIST_PAGES),
    value=st.one_of(PARAM, st.lists(PARAM, min_size=2, max_size=3)),
    raw=st.one_of(st.none(), RAW_QUERY),
    language=st.sampled_from(LANGUAGES),
)
def test_list_pages_survive_any_page_parameter(site, page, value, raw, language):
    path, name = page
    url = path.format(lang=language)
    response = Client().get(url, QUERY_STRING=raw) if raw is not None else Client().get(url, {name: value})
    assert_not_a_server_error(response)


ROUTES = [
    "/{lang}/issues/{a}/{b}/",
    "/{lang}/articles/{a}/",
    "/{lang}/tags/{a}/",
    "/{lang}/sections/{a}/",
    "/{lang}/feeds/tags/{a}/rss/",
    "/{lang}/feeds/sections/{a}/atom/",
    "/{lang}/{a}/",
    "/{a}/{b}/",
]


@fuzz(80)
@given(
    route=st.sampled_from(ROUTES),
    a=either(st.sampled_from(KNOWN_SEGMENTS), SEGMENT),
    b=either(st.sampled_from(KNOWN_SEGMENTS), SEGMENT),
    language=st.sampled_from(LANGUAGES),
    method=st.sampled_from(["GET", "HEAD", "POST"]),
)
@example(route=ROUTES[0], a="9" * 30, b="1", language="uz", method="GET")
@example(route=ROUTES[0], a="2025", b="99-99", language="uz", method="GET")
@example(route=ROUTES[0], a="9" * 5000, b="1", language="ru", method="GET")
@example(route=ROUTES[2], a="water\x00", b="", language="uz", method="GET")
@example(route=ROUTES[4], a="\x00", b="", language="en", method="GET")
def test_url_segments_never_fail(site, route, a, b, language, method):
    url = route.format(lang=language, a=segment(a), b=segment(b))
    response = Client().generic(method, url)
    assert_not_a_server_error(response)


@fuzz(60)
@given(a=either(st.sampled_from(KNOWN_SEGMENTS), SEGMENT), language=st.sampled_from(LANGUAGES))
def test_posting_a_comment_to_any_slug_never_fails(thread, a, language):
    _article, parents = thread
    data = comment_data(VALID_COMMENT, parents)
    response = Client().post(f"/{language}/articles/{segment(a)}/comments/", data)
    assert_not_a_server_error(response)


UNSAFE_NEXT = [
    "//evil.example/",
    "///evil.example/",
    "https://evil.example/",
    "http:evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    " //evil.example",
    "\x00//evil.example",
    "\x01//evil.example",
    "javascript:alert(1)",
    "/uz/\r\nSet-Cookie: x=y",
    "/ru/issues/",
    "http://testserver/en/",
]


def redirect_target(location):
    """(scheme, host) as a browser reads Location: leading controls and tabs or newlines ignored, \\ as /."""
    cleaned = re.sub(r"[\t\n\r]", "", location.lstrip("".join(map(chr, range(33))))).replace("\\", "/")
    parts = urlsplit(cleaned)
    return parts.scheme.lower(), parts.netloc.lower()


@fuzz(70)
@given(
    code=either(st.sampled_from(LANGUAGES), SEGMENT),
    next_url=either(st.sampled_from(UNSAFE_NEXT), TEXT),
    raw=st.one_of(st.none(), RAW_QUERY),
)
def test_the_language_switch_never_fails_or_leaves_the_site(code, next_url, raw):
    url = f"/language/{segment(code)}/"
    response = (
        Client().get(url, QUERY_STRING=raw) if raw is not None else Client().get(url, {"next": next_url})
    )
    assert_not_a_server_error(response)
    if response.status_code == 302:
        location = response["Location"]
        assert "\n" not in location and "\r" not in location
        scheme, host = redirect_target(location)
        # A scheme without a host ("http:evil.example") is another site to some browsers.
        assert (scheme, host) in {("", ""), ("http", "testserver")}, location


# CSRF


@fuzz(40)
@given(
    comment=COMMENT_FORM, subscription=SUBSCRIBE_FORM, encoding=st.sampled_from(["multipart", "urlencoded"])
)
def test_the_same_posts_without_a_csrf_token_are_refused(thread, mailoutbox, comment, subscription, encoding):
    article, parents = thread
    comments, subscribers = Comment.objects.count(), Subscriber.objects.count()
    client = Client(enforce_csrf_checks=True)
    assert client.get(article.get_absolute_url()).status_code == 200  # the CSRF cookie, but no token
    url = reverse("comments:post", kwargs={"slug": article.slug})
    assert post_form(client, url, comment_data(comment, parents), encoding).status_code == 403
    assert post_form(client, reverse("subscriptions:subscribe"), subscription, encoding).status_code == 403
    assert Comment.objects.count() == comments and Subscriber.objects.count() == subscribers
    assert mailoutbox == []
