import pytest
from django.test import Client

from tests.factories import make_user


@pytest.fixture
def boss():
    return make_user(username="boss", is_staff=True, is_superuser=True)


@pytest.fixture
def boss_client(boss):
    client = Client()
    client.force_login(boss)
    return client
