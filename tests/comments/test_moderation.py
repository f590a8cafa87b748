from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from comments.models import Comment, DiscussionSettings, hash_ip
from comments.moderation import comment_status_decide, comments_allowed
from tests.factories import make_article, make_comment

pytestmark = pytest.mark.django_db

SPAM, PENDING, APPROVED = Comment.Status.SPAM, Comment.Status.PENDING, Comment.Status.APPROVED


def new_comment(**overrides):
    fields = {
        "author_name": "Aziz",
        "author_email": "aziz@example.com",
        "body": "A thoughtful remark.",
        "ip_hash": hash_ip("203.0.113.7"),
    }
    return Comment(**fields | overrides)


def decide(comment=None, *, honeypot_filled=False, seconds_to_post=60, **settings):
    discussion = DiscussionSettings(**settings)
    return comment_status_decide(
        comment=comment or new_comment(),
        discussion=discussion,
        honeypot_filled=honeypot_filled,
        seconds_to_post=seconds_to_post,
    )


def test_default_settings_hold_every_comment():
    assert decide() == PENDING


def test_hold_all_holds_even_a_known_author():
    make_comment(author_email="aziz@example.com")
    assert decide() == PENDING


def test_approve_known_approves_an_author_with_an_approved_comment():
    make_comment(author_email="aziz@example.com")
    assert decide(moderation=DiscussionSettings.Moderation.APPROVE_KNOWN) == APPROVED


def test_approve_known_matches_the_email_whatever_its_case():
    make_comment(author_email="aziz@example.com")
    comment = new_comment(author_email="Aziz@Example.COM")
    assert decide(comment, moderation=DiscussionSettings.Moderation.APPROVE_KNOWN) == APPROVED


@pytest.mark.parametrize("status", [PENDING, Comment.Status.REJECTED, SPAM])
def test_approve_known_ignores_comments_that_were_never_approved(status):
    make_comment(author_email="aziz@example.com", status=status)
    assert decide(moderation=DiscussionSettings.Moderation.APPROVE_KNOWN) == PENDING


def test_approve_known_holds_a_new_author():
    make_comment(author_email="someone.else@example.com")
    assert decide(moderation=DiscussionSettings.Moderation.APPROVE_KNOWN) == PENDING


def test_too_many_links_hold_a_known_author():
    make_comment(author_email="aziz@example.com")
    body = "See https://a.example and http://b.example and https://c.example"
    assert decide(new_comment(body=body), moderation="approve_known", max_links=2) == PENDING
    assert decide(new_comment(body=body), moderation="approve_known", max_links=3) == APPROVED


def test_text_that_is_not_a_http_link_does_not_count_as_a_link():
    make_comment(author_email="aziz@example.com")
    body = "javascript:alert(1) ftp://files.example www.example.com https://"
    assert decide(new_comment(body=body), moderation="approve_known", max_links=0) == APPROVED


@pytest.mark.parametrize(
    "field, value",
    [
        ("body", "Buy CHEAP pills today"),
        ("author_name", "Cheap Pills Shop"),
        ("author_url", "https://cheap-pills.example"),
        ("author_email", "cheap-pills@example.com"),
    ],
)
def test_a_blocked_word_anywhere_marks_spam(field, value):
    assert decide(new_comment(**{field: value}), blocked_words="casino\ncheap-pills\n  \ncheap pills") == SPAM


def test_a_blocked_word_beats_a_known_author():
    make_comment(author_email="aziz@example.com")
    assert decide(new_comment(body="casino"), moderation="approve_known", blocked_words="Casino") == SPAM


def test_a_blocked_email_marks_spam():
    assert decide(blocked_emails="AZIZ@example.com") == SPAM
    assert decide(blocked_emails="other@example.com") == PENDING


def test_a_blocked_domain_marks_spam():
    assert decide(blocked_emails="@example.com") == SPAM
    assert decide(blocked_emails="@ample.com") == PENDING


def test_a_blocked_ip_marks_spam():
    assert decide(blocked_ips="198.51.100.1\n203.0.113.7") == SPAM
    assert decide(blocked_ips="203.0.113.8") == PENDING


def test_a_filled_honeypot_marks_spam_even_for_a_known_author():
    make_comment(author_email="aziz@example.com")
    assert decide(honeypot_filled=True, moderation="approve_known") == SPAM


def test_a_form_posted_faster_than_a_human_types_is_spam():
    assert decide(seconds_to_post=1.5, min_seconds_to_post=3) == SPAM
    assert decide(seconds_to_post=-30, min_seconds_to_post=3) == SPAM
    assert decide(seconds_to_post=3, min_seconds_to_post=3) == PENDING


def test_the_speed_check_can_be_turned_off():
    assert decide(seconds_to_post=0, min_seconds_to_post=0) == PENDING


def test_print_first_articles_take_comments():
    article = make_article(access=Article.Access.PRINT_FIRST)
    assert comments_allowed(article, DiscussionSettings()) == (True, "")


def test_comments_closed_site_wide():
    allowed, reason = comments_allowed(make_article(), DiscussionSettings(comments_enabled=False))
    assert not allowed and "site" in str(reason)


def test_comments_closed_on_one_article():
    allowed, reason = comments_allowed(make_article(comments_open=False), DiscussionSettings())
    assert not allowed and "this article" in str(reason)


def test_comments_wait_for_publication():
    draft = make_article(status=Article.Status.DRAFT)
    scheduled = make_article(publish_at=timezone.now() + timedelta(hours=1))
    assert not comments_allowed(draft, DiscussionSettings())[0]
    assert not comments_allowed(scheduled, DiscussionSettings())[0]


def test_comments_close_after_n_days():
    now = timezone.now()
    article = make_article(publish_at=now - timedelta(days=10))
    assert comments_allowed(article, DiscussionSettings(close_after_days=11), now=now)[0]
    allowed, reason = comments_allowed(article, DiscussionSettings(close_after_days=9), now=now)
    assert not allowed and "9 days" in str(reason)
    assert comments_allowed(article, DiscussionSettings(close_after_days=0), now=now)[0]


def test_discussion_settings_are_cached_and_refreshed_on_save(django_assert_num_queries):
    DiscussionSettings.load()
    with django_assert_num_queries(0):
        assert DiscussionSettings.load().max_links == 2
    DiscussionSettings(max_links=7).save()
    assert DiscussionSettings.load().max_links == 7
