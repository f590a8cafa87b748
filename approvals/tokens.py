"""The approval link's token: signed with its own salt, naming one approval of one article.

The token alone proves nothing more: the approval row decides whether the link is still open
(waiting, not withdrawn, not expired). APPROVALS_LINK_MAX_DAYS bounds every token's age as well.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing

if TYPE_CHECKING:
    from .models import Approval

SALT = "approvals.approval-link"


def approval_token_make(approval: Approval) -> str:
    return signing.dumps([approval.pk, approval.article_id], salt=SALT)


def approval_token_read(token: str, *, article_id: int) -> int | None:
    """The pk of the approval the token names, or None if it is forged, altered, too old, made for
    another purpose or for another article than `article_id`."""
    try:
        value = signing.loads(token, salt=SALT, max_age=settings.APPROVALS_LINK_MAX_DAYS * 86400)
    except signing.BadSignature:  # SignatureExpired is a subclass
        return None
    match value:
        case [int() as pk, int() as article] if article == article_id:
            return pk
    return None
