"""The cache of what readers see: pages, fragments and data, kept until what they show changes.

Layers (outside in):
- **pages** (`pages.PageCacheMiddleware`): the finished answer to an anonymous GET, per host and
  path. Visitors with a session, editors and private answers (`mark_private(request)`) never get or
  leave one; CSRF tokens are made fresh for every visitor. Its answers carry an ETag of their topics'
  versions; `ConditionalGetMiddleware` hashes other answers into one, but not those holding a fresh
  field (it could never match again). A view may keep a page private to a kind of visitor rather
  than to one (`pages.shared_page`: the whole text for every reader whose grant is told alike),
  having decided itself who may have it.
- **fragments** (`{% fragment "name" parts %}`, `fragments()` for the cards of a list: rendered in
  one go, each kept with its own topics and what the batch showed of no card in particular) and
  **documents** (`shared_document`: feeds, sitemaps): pieces every reader sees alike.
- **data** (`remember(name, compute)`): objects pages show (an article with its versions; the
  shell around every page: menu, sidebar, contacts, read in one query by `issues/shell.py`).
An answer kept whole (a page, a shared page, a document) is cut at its *slots*: fresh fields (the
CSRF token) and markers the apps fill anew in each answer (`register_fill`: the most-read list). Its
texts between them are gzipped once, when kept, each on its own, and joined with the slots' values
for every client that accepts gzip (`pages.gzip_member`), so no answer is compressed at a hit; an
answer made for one request is compressed at a cheaper level than Django's (`GZipMiddleware`).
Each piece lives in the shared cache (Redis, or one SQLite file for all processes of one machine)
and in a small per-process copy (`store.LocalCopies`). A request opens (`RequestMiddleware`) with one
round trip for what every request reads: the epoch, the versions of the topics every page shows and
of those the request's address read last time in this process (`pages.topics_read_before`: its page
or fragments are then judged with no other round trip), and the keys the apps name with
`register_first_read` (the session: `sessions.py`; the institutions' networks).

Dependencies (`topics`): a piece is stored with the versions of the *topics* it showed and counts
only while they are current. A topic that never moved gets a random first version when a piece first
needs it, all of a request's new ones in one round trip (`add_many`: `backends.py`). Topics are
recorded while the piece is made, nested pieces passing theirs to the piece around them:
- `site`: every piece; moved by rows with no finer rule (issues, sections, events, contacts,
  discussion and embargo settings: the menu and sidebar are on every page);
- `article:<pk>`: recorded for every article row a piece loads (`Article.from_db`); moved by a save
  of the article, its blocks, tags or authors, and of one of its language versions;
- `articles:<n>`: the articles whose keys are n × 1 000 to n × 1 000 + 999, moved with each one's
  `article:<pk>`; a piece showing a thousand articles (a sitemap page) depends on these instead;
- `person:<pk>`: every author row loaded; moved by the person's save;
- `comments:<pk>`: an article's comment section; moved when one of its comments changes;
- `list:issue:<pk>`, `list:section:<pk>`, `list:tag:<pk>`, `list:person:<pk>`, `list:all`: which
  articles a list holds and in what order (issue and section pages, tag and person pages, related
  reading, home, feeds, sitemaps, archive); moved when an article enters, leaves or moves in them
  (published, unpublished, rescheduled, moved to another issue, section, tag or person);
- `search`: search results; moved when an article's indexed text changes.
So saving an article's text cools its page, its versions' pages, and the pages that show its card;
it leaves the other 9 999 article pages warm. Scheduled moments (publication, an embargo's end, an
event, comments closing) move their own topics when they pass (`topics.register_boundary`).

Every piece's key holds `store.FORMAT`: a release that changes the shape of a kept piece raises it,
so the old and new processes of a rolling deploy never read each other's pieces.

Why did this page change? One of its topics moved: `dependencies.py` says which rows move which
topics, the apps register theirs in `AppConfig.ready()` (`articles/cache_topics.py`,
`comments/apps.py`).
"""

from sitecache.dependencies import RowsShownInCache, register_topics
from sitecache.pages import (
    CSRF_FIELD_NAME,
    ConditionalGetMiddleware,
    GZipMiddleware,
    PageCacheMiddleware,
    RequestMiddleware,
    bypass_page_cache,
    is_private,
    mark_private,
    page_key,
    register_fill,
    register_fresh_field,
    shared_page,
)
from sitecache.store import (
    FORMAT,
    LocalCopies,
    digest,
    fragment,
    fragments,
    local_copies,
    remember,
    shared_document,
)
from sitecache.topics import (
    SITE,
    Topic,
    changed,
    depends_on,
    first_read,
    listed,
    register_boundary,
    register_everywhere,
    register_first_read,
    unrecorded,
)

__all__ = [
    "CSRF_FIELD_NAME",
    "FORMAT",
    "SITE",
    "Topic",
    "LocalCopies",
    "ConditionalGetMiddleware",
    "GZipMiddleware",
    "PageCacheMiddleware",
    "RequestMiddleware",
    "RowsShownInCache",
    "bypass_page_cache",
    "changed",
    "depends_on",
    "first_read",
    "digest",
    "fragment",
    "fragments",
    "is_private",
    "listed",
    "local_copies",
    "mark_private",
    "page_key",
    "register_boundary",
    "register_everywhere",
    "register_fill",
    "register_first_read",
    "register_fresh_field",
    "register_topics",
    "remember",
    "shared_document",
    "shared_page",
    "unrecorded",
]
