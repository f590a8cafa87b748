import time

import pytest
from django.urls import reverse

from comments.forms import rendered_at_token
from tests.factories import make_moderator


def form_data(**overrides):
    """A valid comment form, shown a minute ago."""
    return {
        "author_name": "Aziz Karimov",
        "author_email": "aziz@example.com",
        "author_url": "",
        "body": "Water is the question of the decade.",
        "rendered_at": rendered_at_token(time.time() - 60),
        "homepage": "",
    } | overrides


@pytest.fixture
def post_comment():
    def post(client, article, *, ip="203.0.113.7", **overrides):
        url = reverse("comments:post", kwargs={"slug": article.slug})
        return client.post(url, form_data(**overrides), REMOTE_ADDR=ip)

    return post


@pytest.fixture
def moderator_client(client):
    client.force_login(make_moderator())
    return client
