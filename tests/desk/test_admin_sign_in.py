import pytest

from tests.factories import make_editor
from tests.html_forms import read_form

pytestmark = pytest.mark.django_db

UNSAFE = ["https://evil.example/", "//evil", "http://testserver.evil.example/admin/", ""]


@pytest.mark.parametrize("next_url", UNSAFE)
def test_a_sign_in_posted_with_an_unsafe_next_lands_on_the_admin_index(client, next_url):
    make_editor(username="nodira", password="a-good-long-password")
    response = client.post(
        f"/admin/login/?next={next_url}", {"username": "nodira", "password": "a-good-long-password"}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"  # then its second factor


@pytest.mark.parametrize("next_url", UNSAFE)
def test_the_sign_in_form_opened_with_an_unsafe_next_lands_on_the_admin_index(client, next_url):
    make_editor(username="nodira", password="a-good-long-password")
    page = client.get("/admin/login/", {"next": next_url})
    data = read_form(page.content.decode(), "login-form").entries()
    data |= {"username": ["nodira"], "password": ["a-good-long-password"]}
    response = client.post(page.wsgi_request.get_full_path(), data)
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_a_safe_next_is_followed(client):
    make_editor(username="nodira", password="a-good-long-password")
    response = client.post(
        "/admin/login/?next=/admin/articles/article/",
        {"username": "nodira", "password": "a-good-long-password"},
    )
    assert response["Location"] == "/admin/articles/article/"
