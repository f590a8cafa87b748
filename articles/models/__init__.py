"""The articles app's models, one module each: `article` (the article), `publication` (the publication
rule and the lists' querysets), `blocks`, `people` (authors and interviewees), `embargo_settings`.

Imported from here (`from articles.models import Article`), as Django and the migrations expect.
"""

from .article import Article
from .blocks import ArticleBlock
from .embargo_settings import EmbargoSettings
from .people import Author, AuthorAlias, AuthorQuerySet
from .publication import (
    CARD_COLUMNS,
    ISSUE_COLUMNS,
    SEARCH_COLUMNS,
    ArticleQuerySet,
    kept_versions,
    versions_for_language,
)

__all__ = [
    "CARD_COLUMNS",
    "ISSUE_COLUMNS",
    "SEARCH_COLUMNS",
    "Article",
    "ArticleBlock",
    "ArticleQuerySet",
    "Author",
    "AuthorAlias",
    "AuthorQuerySet",
    "EmbargoSettings",
    "kept_versions",
    "versions_for_language",
]
