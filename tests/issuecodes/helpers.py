"""Code batches for the issuecodes tests: the codes' text comes back, as the admin's ZIP gives it."""

from issuecodes.models import CodeBatch
from issuecodes.services import batch_create
from tests.factories import make_issue


def make_batch(*, issue=None, **overrides):
    """A saved batch of two single-use codes unless overridden; returns (batch, [code text, ...])."""
    fields = {"issue": issue or make_issue(), "kind": CodeBatch.Kind.SINGLE_USE, "count": 2, "language": "en"}
    batch = CodeBatch(**fields | overrides)
    codes = batch_create(batch=batch)
    return batch, codes
