import pytest

from tests.subscriptions.helpers import CrashingBackend, RefusingBackend


@pytest.fixture(autouse=True)
def _fresh_test_backends():
    """The test mail backends keep their state on the class: start every test from zero."""
    CrashingBackend.crash_after, CrashingBackend.sent = None, 0
    RefusingBackend.refused = set()
