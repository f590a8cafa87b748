from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from comments.forms import rendered_at_token
from comments.models import Comment, DiscussionSettings
from comments.services import comments_approve
from tests.factories import make_article, make_comment, make_editor, make_print_first

pytestmark = pytest.mark.django_db


def page(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_a_posted_comment_waits_and_only_its_author_sees_it(client, post_comment):
    article = make_article()
    response = post_comment(client, article, body="My first remark.")
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#comment-pending"
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    html = page(client, article)
    assert "My first remark." in html and "Awaiting moderation" in html and 'id="comment-pending"' in html
    assert "My first remark." not in page(Client(), article)


def test_approved_comments_are_threaded_oldest_first_with_author_date_and_permalink(client):
    article = make_article()
    first = make_comment(article=article, author_name="Dilnoza", body="First!")
    second = make_comment(article=article, body="Second.")
    reply = make_comment(parent=first, body="A reply to the first.")
    make_comment(article=article, body="Hidden pending.", status=Comment.Status.PENDING)
    make_comment(article=article, body="Hidden rejected.", status=Comment.Status.REJECTED)
    html = page(client, article)
    assert html.index("First!") < html.index("A reply to the first.") < html.index("Second.")
    assert "Dilnoza" in html and "3 comments" in html
    assert f'href="{article.get_absolute_url()}#comment-{reply.pk}"' in html
    assert f'id="comment-{second.pk}"' in html
    assert "Hidden" not in html


def test_email_addresses_never_appear_on_the_page(client, post_comment):
    article = make_article()
    make_comment(
        article=article, author_email="public.reader@example.com", author_url="https://reader.example"
    )
    post_comment(client, article, author_email="poster@example.com")
    assert "public.reader@example.com" not in page(Client(), article)
    html = page(client, article)
    assert "poster@example.com" not in html and "public.reader@example.com" not in html


def test_comment_text_is_escaped_and_links_are_nofollow(client):
    article = make_article()
    body = '<script>alert(1)</script> <a href="javascript:alert(2)">x</a>\nsee https://example.org/a?b=1&c=2.'
    make_comment(article=article, body=body, author_url="https://reader.example")
    html = page(client, article)
    assert "<script>alert" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow ugc noopener">' in html
    assert "</a><br>see" not in html and "&lt;/a&gt;<br>see" in html
    assert '<a href="https://reader.example" rel="nofollow ugc noopener">' in html


def test_remember_me_cookie_is_set_only_when_the_box_is_ticked(client, post_comment):
    article = make_article()
    response = post_comment(client, article)
    assert "comment_author" not in response.cookies
    response = post_comment(client, article, remember="on", author_email="other@example.com")
    assert response.cookies["comment_author"]["httponly"]
    html = page(client, article)
    assert 'value="Aziz Karimov"' in html and 'value="other@example.com"' in html


def test_unticking_the_box_forgets_the_author(client, post_comment):
    article = make_article()
    post_comment(client, article, remember="on")
    response = post_comment(client, article, author_email="second@example.com")
    assert response.cookies["comment_author"].value == ""
    assert 'value="Aziz Karimov"' not in page(client, article)


def test_the_form_marks_required_fields_and_leaves_remember_unticked(client):
    html = page(client, make_article())
    assert html.count('<span class="comment-form__required" aria-hidden="true">*</span>') == 3
    assert "Your email address will not be published." in html
    assert '<input type="checkbox" name="remember" id="id_remember">' in html


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"author_name": "", "author_email": "", "body": ""}, "Please write your comment."),
        ({"author_name": "   "}, "Please enter your name."),
        ({"author_email": "not-an-email"}, "Enter a valid email address, like name@example.com."),
        (
            {"body": "x" * 100_000},
            "Your comment is too long: 100000 characters; the limit is 5000 characters.",
        ),
        ({"author_url": "javascript:alert(1)"}, "Enter a web address that starts with http:// or https://."),
        ({"body": "Hello \u202eevil\u202c world"}, "Remove the text-direction control characters"),
        ({"author_name": "Aziz\u202e"}, "Remove the text-direction control characters"),
        ({"body": "Nul\x00byte"}, "Remove the null characters (NUL bytes)"),
        ({"author_name": "Aziz\nBcc: x@example.com"}, "Remove the invisible control characters."),
        ({"rendered_at": "forged"}, "This form is incomplete or was altered."),
        ({"parent": "999999"}, "The comment you are replying to cannot be found."),
        ({"parent": "abc"}, "The comment you are replying to cannot be found."),
    ],
)
def test_bad_input_gets_a_clear_message_and_stores_nothing(client, post_comment, overrides, message):
    article = make_article()
    existing = make_comment(article=article, body="Already here.")
    response = post_comment(client, article, **overrides)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert list(Comment.objects.all()) == [existing]
    existing.refresh_from_db()
    assert existing.body == "Already here." and existing.status == Comment.Status.APPROVED


def test_an_invalid_form_keeps_the_visitors_text(client, post_comment):
    response = post_comment(client, make_article(), author_email="bad", body="Keep these words.")
    assert response.status_code == 400
    assert "Keep these words." in response.content.decode()


@pytest.mark.parametrize("status", [Comment.Status.PENDING, Comment.Status.REJECTED, Comment.Status.SPAM])
def test_a_reply_to_a_comment_that_is_not_approved_is_refused(client, post_comment, status):
    article = make_article()
    parent = make_comment(article=article, status=status)
    response = post_comment(client, article, parent=str(parent.pk))
    assert response.status_code == 400
    assert "The comment you are replying to cannot be answered." in response.content.decode()
    assert Comment.objects.count() == 1


def test_a_reply_to_a_comment_of_another_article_is_refused(client, post_comment):
    foreign = make_comment(article=make_article())
    response = post_comment(client, make_article(), parent=str(foreign.pk))
    assert response.status_code == 400
    assert Comment.objects.count() == 1


def test_replies_nest_to_a_fixed_depth(client, post_comment, settings):
    settings.COMMENTS_MAX_DEPTH = 3
    article = make_article()
    level_1 = make_comment(article=article)
    level_2 = make_comment(parent=level_1)
    assert post_comment(client, article, parent=str(level_2.pk)).status_code == 302
    level_3 = Comment.objects.get(parent=level_2)
    assert level_3.depth == 2
    Comment.objects.filter(pk=level_3.pk).update(status=Comment.Status.APPROVED)
    response = post_comment(client, article, parent=str(level_3.pk))
    assert response.status_code == 400
    assert "Replies cannot be nested any deeper" in response.content.decode()


def test_the_reply_link_prefills_the_parent_and_names_its_author(client):
    article = make_article()
    parent = make_comment(article=article, author_name="Dilnoza")
    html = client.get(f"{article.get_absolute_url()}?replytocom={parent.pk}").content.decode()
    assert "Reply to Dilnoza" in html and f'name="parent" value="{parent.pk}"' in html


def test_a_flood_from_one_address_is_limited_with_429(client, post_comment, settings):
    settings.COMMENTS_RATE_PER_IP = 5
    article = make_article()
    existing = make_comment(article=article, body="Already here.")
    codes = [post_comment(client, article, author_email=f"bot{n}@example.com").status_code for n in range(50)]
    assert codes == [302] * 5 + [429] * 45
    response = post_comment(client, article)
    assert "You are posting comments too often" in response.content.decode()
    assert response["Retry-After"] == str(settings.COMMENTS_RATE_WINDOW)
    assert Comment.objects.count() == 6
    existing.refresh_from_db()
    assert existing.body == "Already here."


def test_one_email_is_limited_whatever_the_address(client, post_comment, settings):
    settings.COMMENTS_RATE_PER_EMAIL = 2
    article = make_article()
    codes = [post_comment(client, article, ip=f"198.51.100.{n}").status_code for n in range(4)]
    assert codes == [302, 302, 429, 429]


def test_posting_needs_a_valid_csrf_token(post_comment):
    article = make_article()
    client = Client(enforce_csrf_checks=True)
    assert post_comment(client, article).status_code == 403
    client.cookies["csrftoken"] = "A" * 32
    assert post_comment(client, article, csrfmiddlewaretoken="B" * 32).status_code == 403
    assert not Comment.objects.exists()
    page(client, article)  # receives a real token
    token = client.cookies["csrftoken"].value
    assert post_comment(client, article, csrfmiddlewaretoken=token).status_code == 302


def test_get_is_not_allowed(client):
    assert client.get(reverse("comments:post", kwargs={"slug": make_article().slug})).status_code == 405


def test_a_draft_is_not_found(client, post_comment):
    assert post_comment(client, make_article(status=Article.Status.DRAFT)).status_code == 404
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "article_fields, discussion_fields, message",
    [
        ({"comments_open": False}, {}, "Comments are closed for this article."),
        ({}, {"comments_enabled": False}, "Comments are closed on this site for now."),
        ({}, {"close_after_days": 30}, "Comments close 30 days after publication."),
    ],
)
def test_closed_comments_are_refused_with_the_reason(
    client, post_comment, article_fields, discussion_fields, message
):
    article = make_article(publish_at=timezone.now() - timedelta(days=40), **article_fields)
    DiscussionSettings(**discussion_fields).save()
    response = post_comment(client, article)
    assert response.status_code == 403 and message in response.content.decode()
    assert not Comment.objects.exists()
    html = page(client, article)
    assert message in html and 'id="comment-form"' not in html


def test_print_first_articles_take_comments(client, post_comment):
    article = make_print_first()
    assert post_comment(client, article).status_code == 302
    assert Comment.objects.get().article == article


def test_a_filled_honeypot_is_spam_but_looks_like_moderation_to_the_robot(client, post_comment):
    article = make_article()
    response = post_comment(client, article, homepage="http://spam.example")
    assert response["Location"].endswith("#comment-pending")
    assert Comment.objects.get().status == Comment.Status.SPAM


def test_a_form_posted_too_fast_is_spam(client, post_comment):
    post_comment(client, make_article(), rendered_at=rendered_at_token())
    assert Comment.objects.get().status == Comment.Status.SPAM


def test_a_known_author_is_published_at_once_when_the_settings_say_so(client, post_comment):
    DiscussionSettings(moderation=DiscussionSettings.Moderation.APPROVE_KNOWN).save()
    article = make_article()
    make_comment(author_email="aziz@example.com")
    response = post_comment(client, article, author_email="AZIZ@example.com", body="Known voice.")
    comment = Comment.objects.get(body="Known voice.")
    assert comment.status == Comment.Status.APPROVED and comment.approved_at
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    assert "Known voice." in page(Client(), article)


def test_the_address_is_stored_only_as_a_hash(client, post_comment):
    post_comment(client, make_article(), ip="203.0.113.99", HTTP_USER_AGENT="x")
    comment = Comment.objects.get()
    assert comment.author_email == "aziz@example.com"
    assert len(comment.ip_hash) == 64 and "203.0.113.99" not in comment.ip_hash


def test_editors_get_one_email_per_waiting_comment(
    client, post_comment, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.EDITORS_EMAILS = ["desk@example.com"]
    make_editor(email="editor@example.com")
    article = make_article(title="Water and borders")
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, article, body="Please moderate me.")
        post_comment(client, article, homepage="spam")  # spam: nobody is disturbed
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert sorted(mail.to) == ["desk@example.com", "editor@example.com"]
    assert "Water and borders" in mail.subject
    assert "Please moderate me." in mail.body
    assert f"{settings.SITE_URL}/admin/comments/comment/?status=pending" in mail.body


def test_no_email_when_notifications_are_off(
    client, post_comment, mailoutbox, django_capture_on_commit_callbacks
):
    DiscussionSettings(notify_editors=False).save()
    make_editor(email="editor@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, make_article())
    assert mailoutbox == []


def test_the_page_cache_never_shares_a_waiting_comment(client, post_comment, settings):
    settings.PAGE_CACHE_SECONDS = 3600
    article = make_article()
    assert Client().get(article.get_absolute_url())["X-Page-Cache"] == "miss"
    post_comment(client, article, body="Only mine.")
    response = client.get(article.get_absolute_url())
    assert "Only mine." in response.content.decode() and "X-Page-Cache" not in response
    assert "Only mine." not in page(Client(), article)


def test_approving_refreshes_the_cached_page(client, settings, django_capture_on_commit_callbacks):
    settings.PAGE_CACHE_SECONDS = 3600
    article = make_article()
    comment = make_comment(article=article, status=Comment.Status.PENDING, body="Now public.")
    assert "Now public." not in page(Client(), article)
    with django_capture_on_commit_callbacks(execute=True):
        comments_approve(comments=Comment.objects.filter(pk=comment.pk), moderator=make_editor())
    assert "Now public." in page(Client(), article)


def test_three_levels_of_replies_nest_escaped_and_a_reply_under_a_hidden_one_is_left_out(client, settings):
    settings.COMMENTS_MAX_DEPTH = 3
    article = make_article()
    top = make_comment(article=article, author_name="<b>Top</b>", author_url="https://a.example/?x=1&y=2")
    middle = make_comment(parent=top, body="Middle <i>reply</i>.")
    deepest = make_comment(parent=middle, body="Deepest reply.")
    hidden = make_comment(parent=top, body="Rejected reply.")
    orphan = make_comment(parent=hidden, body="Under a rejected one.")
    Comment.objects.filter(pk=hidden.pk).update(status=Comment.Status.REJECTED)
    html = page(client, article)
    assert "&lt;b&gt;Top&lt;/b&gt;" in html and "<b>Top</b>" not in html
    assert 'href="https://a.example/?x=1&amp;y=2" rel="nofollow ugc noopener"' in html
    assert "Middle &lt;i&gt;reply&lt;/i&gt;." in html
    nested = html[html.index(f'id="comment-{top.pk}"') :]
    assert nested.index(f'id="comment-{middle.pk}"') < nested.index(f'id="comment-{deepest.pk}"')
    assert nested.count('<ol class="comment__replies">') == 2
    assert "Rejected reply." not in html and "Under a rejected one." not in html
    assert f"?replytocom={middle.pk}#" in html and f"?replytocom={deepest.pk}#" not in html
    assert f'id="comment-{orphan.pk}"' not in html


def test_the_heading_counts_approved_replies_even_when_no_thread_is_shown(client):
    article = make_article()
    top = make_comment(article=article)
    make_comment(parent=top, body="An approved reply.")
    Comment.objects.filter(pk=top.pk).update(status=Comment.Status.REJECTED)
    html = page(client, article)
    assert "1 comment" in html and "An approved reply." not in html


def test_a_later_page_of_threads_counts_and_links_like_the_first(client, settings):
    settings.COMMENTS_THREADS_PER_PAGE = 2
    article = make_article()
    first, second, third = (make_comment(article=article, body=f"Thread {n}.") for n in range(3))
    make_comment(parent=third, body="A reply on page two.")
    html = page(client, article)
    assert "4 comments" in html and "Thread 1." in html and "Thread 2." not in html and "Page 1 of 2" in html
    later = client.get(article.get_absolute_url(), {"cpage": "2"}).content.decode()
    assert "4 comments" in later and "Thread 2." in later and "A reply on page two." in later
    assert "Thread 0." not in later and "Page 2 of 2" in later


def test_a_comments_author_and_address_are_escaped_in_the_thread(client):
    article = make_article()
    make_comment(
        article=article,
        author_name='<b>Eve</b> & "Co"',
        author_url='https://example.org/?a=1&b="x"',
        body="<script>alert(1)</script>",
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<span class="comment__author"><a href="https://example.org/?a=1&amp;b=&quot;x&quot;"' in html
    assert "&lt;b&gt;Eve&lt;/b&gt; &amp; &quot;Co&quot;</a></span>" in html
    assert "<b>Eve</b>" not in html and "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
