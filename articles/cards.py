"""The article card of every list (issue contents, section, tag, person and PR pages, related reading).

One Python function rather than a template include per card: a list of 90 cards rendered through
includes cost most of a cold home page. The markup is the one `_article_card.html` had; every value
is escaped here (`escape`), nothing a writer typed is marked safe. Load the articles with
`Article.objects.….for_cards()` (rows of values, recorded as shown by the cards: sitecache) so
a list costs a fixed number of queries; related reading gives rows of the same columns.
"""

import html
import re
from itertools import groupby

from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info, gettext as _

from issues.models import Issue, Section
from issues.prepared import Prepared
from sitecache import depends_on

from .models import Article, Author
from .paywall import is_open_to_everyone


def escape(text):
    """Django's `escape` without its lazy-string check: every value here is a plain string."""
    return html.escape(str(text))


PLAIN_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
MARKER = "card-slug-marker"


class Links:
    """Addresses (escaped for HTML) of articles, people, sections and issues for one list: each URL
    pattern reversed once."""

    def __init__(self):
        self.patterns, self.issues = {}, {}

    def by_slug(self, name, slug):
        """reverse(name, kwargs={"slug": slug}), as the models' get_absolute_url() say, escaped."""
        if not PLAIN_SLUG.fullmatch(slug):  # only plain slugs are written unquoted by reverse()
            return escape(reverse(name, kwargs={"slug": slug}))
        if name not in self.patterns:
            head, _, tail = reverse(name, kwargs={"slug": MARKER}).partition(MARKER)
            self.patterns[name] = escape(head), escape(tail)
        head, tail = self.patterns[name]
        return f"{head}{slug}{tail}"  # a plain slug needs no escaping

    def issue(self, issue):
        if issue.pk not in self.issues:
            self.issues[issue.pk] = escape(issue.get_absolute_url())
        return self.issues[issue.pk]


class CardRow:
    """An article as its card shows it, from a row of `for_cards()` (no Article instance)."""

    COLUMNS = (  # named as in CARD_COLUMNS
        "title", "subtitle", "slug", "lead", "language", "is_sponsored", "access", "opens_at",
        "interviewee_id", "interviewee_name", "issue_id", "section_id",
    )  # fmt: skip
    __slots__ = ("pk", "interviewee_slug", "issue", *COLUMNS)

    def __init__(self, values, issue):
        self.pk, self.interviewee_slug, self.issue = values["id"], values["interviewee__slug"], issue
        for name in self.COLUMNS:
            setattr(self, name, values[name])

    @property
    def is_print_first(self):
        return self.access == Article.Access.PRINT_FIRST


class Cards:
    """Renders the cards of one list for the active language (`card`, `cards`, `table_of_contents`)."""

    def __init__(self):
        self.language = get_language()
        self.now = timezone.now()
        self.links = Links()
        self.sections = {section.pk: section for section in Section.menu()}
        self.words = {  # escaped once
            "pr": escape(_("PR")),
            "excerpt": escape(_("Excerpt online")),
            "interview": escape(_("Interview with")),
            "other": escape(_("Other")),
            "soon": escape(_("The table of contents of this issue will appear soon.")),
        }
        self.language_names = {}
        self.authors = {}  # {article pk: [byline link]}: `rows` loads them
        self.topics = {}  # {article pk: [the topics of what its card shows]}: `rows` records them
        self.issues = {}

    def rows(self, articles):
        """The cards of `articles`, rows of `for_cards()`, recorded as shown as loaded rows are
        (`article:<pk>`, and `person:<pk>` of the interviewee), their authors loaded in one query."""
        rows = []
        for values in articles:
            topics = self.topics[values["id"]] = [f"{Article.cache_topic}:{values['id']}"]
            if values["interviewee_id"] is not None:  # the card links to the person's page
                topics.append(f"{Author.cache_topic}:{values['interviewee_id']}")
            depends_on(*topics)
            rows.append(CardRow(values, self.issue_of(values)))
        self.load_authors(rows)
        return rows

    def issue_of(self, values):
        """The issue a full card links to (its label and address: the Issue model says them)."""
        if values["issue_id"] is None or values.get("issue__year") is None:
            return None
        if values["issue_id"] not in self.issues:
            self.issues[values["issue_id"]] = Issue(
                pk=values["issue_id"],
                year=values["issue__year"],
                number_first=values["issue__number_first"],
                number_last=values["issue__number_last"],
            )
        return self.issues[values["issue_id"]]

    def load_authors(self, articles):
        """The bylines of `articles`, their authors loaded in one query: each person's link is made
        once however many cards name them, and recorded as shown (`person:<pk>`, as a loaded row is)."""
        pairs = BYLINES(articles=[article.pk for article in articles]) if articles else []
        links, self.authors = {}, {article.pk: [] for article in articles}
        for article_id, author_id, name, slug in pairs:
            if author_id not in links:
                depends_on(f"{Author.cache_topic}:{author_id}")
                links[author_id] = self.person_link(name, slug)
            self.authors[article_id].append(links[author_id])
            self.topics.setdefault(article_id, []).append(f"{Author.cache_topic}:{author_id}")

    def person_link(self, name, slug):
        url = self.links.by_slug("articles:person", slug)
        return f'<a class="byline__person" href="{url}">{escape(name)}</a>'

    def language_name(self, code):
        if code not in self.language_names:
            self.language_names[code] = get_language_info(code)["name_local"]
        return self.language_names[code]

    def byline(self, article):
        if article.interviewee_name:
            name = escape(article.interviewee_name)
            if article.interviewee_id:
                url = self.links.by_slug("articles:person", article.interviewee_slug)
                name = f'<a class="byline__person" href="{url}">{name}</a>'
            return f"{self.words['interview']} {name}"
        return ", ".join(self.authors[article.pk])

    def card(self, article, *, compact=False, heading_level=2):
        """One card (HTML, safe): title, language, subtitle, badges, byline; on a full card its
        rubric, issue and lead too."""
        lang = f' lang="{escape(article.language)}"'
        classes = "card"
        if compact:
            classes += " card--compact"
        if article.is_sponsored:
            classes += " card--sponsored"
        parts = [f'<article class="{classes}">']
        parts += self.heading(article, rubric=not compact, level=heading_level)
        if article.subtitle:
            parts.append(f'<p class="card__subtitle"{lang}>{escape(article.subtitle)}</p>')
        parts.append(self.meta(article, issue=not compact))
        if not compact and article.lead:
            parts.append(f'<p class="card__lead"{lang}>{escape(article.lead)}</p>')
        parts.append("</article>")
        return mark_safe("\n".join(parts))  # built of escaped values

    def result_card(self, article):
        """A search result's card (HTML, safe): rubric, title, badges, byline and issue; the result's
        snippet stands in for the subtitle and lead. Its list item is the search page's."""
        parts = [*self.heading(article, rubric=True, level=2), self.meta(article, issue=True)]
        return mark_safe("\n".join(parts))

    def heading(self, article, *, rubric, level):
        """The section's name (`rubric`), then the linked title, with its language if not the page's."""
        parts = []
        section = self.sections.get(article.section_id) if rubric else None
        if section is not None:
            parts.append(f'<p class="card__rubric">{escape(section.name_display)}</p>')
        level = int(level)
        lang = f' lang="{escape(article.language)}"'
        url = self.links.by_slug("articles:detail", article.slug)
        title = f'<a href="{url}"{lang}>{escape(article.title)}</a>'
        if article.language != self.language:
            name = escape(self.language_name(article.language))
            title += f' <span class="card__language"{lang}>({name})</span>'
        parts.append(f'<h{level} class="card__title">{title}</h{level}>')
        return parts

    def meta(self, article, *, issue):
        """Badges (PR, excerpt online), byline and, with `issue`, the linked issue label."""
        meta = []
        if article.is_sponsored:
            meta.append(f'<span class="badge badge--pr">{self.words["pr"]}</span>')
        if not is_open_to_everyone(article, self.now):
            meta.append(f'<span class="badge">{self.words["excerpt"]}</span>')
        meta.append(self.byline(article))
        if issue and article.issue_id and (shown := article.issue) is not None:
            meta.append(f'· <a href="{self.links.issue(shown)}">{escape(shown.label)}</a>')
        return f'<p class="card__meta">{" ".join(meta)}</p>'

    def cards(self, articles, *, items=False, **options):
        """The cards of `articles`, one after another, or each in an `<li>` (`items`)."""
        cards = (self.card(article, **options) for article in self.rows(articles))
        return mark_safe("".join(f"<li>{card}</li>" for card in cards) if items else "\n".join(cards))

    def table_of_contents(self, articles):
        """An issue's contents: its articles under their rubrics, in the order given (by rubric)."""
        articles = self.rows(articles)
        rubrics = []
        for section_id, group in groupby(articles, key=lambda article: article.section_id):
            section = self.sections.get(section_id)
            if section is None:
                title = self.words["other"]
            else:
                url = self.links.by_slug("magazine:section-detail", section.slug)
                title = f'<a href="{url}">{escape(section.name_display)}</a>'
            items = "".join(f"<li>{self.card(a, compact=True, heading_level=4)}</li>" for a in group)
            rubrics.append(
                f'<section class="toc__rubric">\n<h3 class="toc__rubric-title">{title}</h3>\n'
                f'<ul class="toc__list">{items}</ul>\n</section>'
            )
        if not rubrics:
            rubrics.append(f'<p class="empty">{self.words["soon"]}</p>')
        return mark_safe('<div class="toc">\n' + "\n".join(rubrics) + "\n</div>")


# The authors of a list's articles (each list's rows), by name: built and compiled once per process
# and number of articles.
BYLINES = Prepared(
    lambda now, *, articles: (
        Article.authors.through.objects.filter(article_id__in=articles)
        .order_by("author__name", "author_id")
        .values_list("article_id", "author_id", "author__name", "author__slug")
    )
)
