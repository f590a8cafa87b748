import logging

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import path

from magazine import urls as site_urls

pytestmark = pytest.mark.django_db


def boom(request):
    raise RuntimeError("the printer caught fire")


def fine(request):
    logging.getLogger("magazine.tests").warning("an ordinary warning")
    return HttpResponse("fine")


urlpatterns = [path("boom/", boom), path("fine/", fine), *site_urls.urlpatterns]
handler500 = site_urls.handler500


def test_every_response_carries_its_own_request_id(client):
    first, second = client.get("/en/"), client.get("/en/no-such-page/")
    assert len(first["X-Request-ID"]) == 32 and len(second["X-Request-ID"]) == 32
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_a_page_cache_hit_gets_a_new_id_not_the_stored_one(client):
    first = client.get("/en/")
    second = client.get("/en/")
    assert second["X-Page-Cache"] == "hit"
    assert second["X-Request-ID"] != first["X-Request-ID"]


def test_the_proxys_request_id_is_kept_behind_a_trusted_proxy(client, settings):
    settings.TRUSTED_PROXIES = 1
    assert client.get("/healthz", HTTP_X_REQUEST_ID="a1b2c3d4e5f6a7b8")["X-Request-ID"] == "a1b2c3d4e5f6a7b8"
    forged = client.get("/healthz", HTTP_X_REQUEST_ID="x\nFAKE LOG LINE")["X-Request-ID"]
    assert "FAKE" not in forged and len(forged) == 32


def test_a_request_id_from_the_client_is_ignored_without_a_trusted_proxy(client, settings):
    settings.TRUSTED_PROXIES = 0
    assert client.get("/healthz", HTTP_X_REQUEST_ID="a1b2c3d4e5f6a7b8")["X-Request-ID"] != "a1b2c3d4e5f6a7b8"


def test_log_lines_of_a_request_carry_its_id(settings, caplog):
    settings.ROOT_URLCONF = __name__
    with caplog.at_level(logging.WARNING, logger="magazine.tests"):
        response = Client().get("/fine/")
    assert [r.request_id for r in caplog.records if r.name == "magazine.tests"] == [response["X-Request-ID"]]


def test_the_500_page_shows_the_id_that_the_error_log_carries(settings, caplog):
    settings.ROOT_URLCONF = __name__
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    assert f"<code>{request_id}</code>" in response.content.decode()
    assert "printer" not in response.content.decode()
    record = next(r for r in caplog.records if r.name == "django.request")
    assert record.request_id == request_id and record.exc_info[1].args == ("the printer caught fire",)


def test_the_log_format_prints_the_request_id(settings):
    handler = settings.LOGGING["handlers"]["console"]
    assert "request_id" in handler["filters"]
    assert "%(request_id)s" in settings.LOGGING["formatters"][handler["formatter"]]["format"]
