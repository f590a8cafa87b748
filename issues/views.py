from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from issues import sidebar
from issues.models import Contacts, Event, Issue, Section
from issues.pagination import lazy_paginate, paginate, with_total
from issues.prepared import Prepared
from sitecache import listed

ICON = Path(__file__).resolve().parent / "static" / "magazine" / "favicon.ico"


@require_safe
@cache_control(public=True, max_age=7 * 24 * 3600)
def favicon(request):
    """/favicon.ico, asked for by browsers and crawlers whatever the page links: the magazine's icon.

    Its address never changes, so it is cached for a week rather than forever (pages link the
    versioned copy in static/).
    """
    return FileResponse(ICON.open("rb"), content_type="image/x-icon")


def issue_articles(issue):
    """The issue's table of contents: its published articles, grouped by rubric, in print order."""
    return (
        issue.articles.published()
        .for_cards(with_issue=False)
        .order_by("section__position", "section__id", "position", "id")
    )


def home(request):
    issue = next(iter(sidebar.latest_issues()), None)  # the newest, read once with the sidebar's
    articles = issue_articles(issue) if issue else []
    context = {"issue": issue, "articles": articles, "list_topic": issue and listed(f"list:issue:{issue.pk}")}
    return render(request, "magazine/home.html", context)


def issue_archive(request):
    page = paginate(request, Issue.objects.published(), 24)
    return render(request, "magazine/issue_archive.html", {"page": page, "issues": page.object_list})


def issue_detail(request, year, numbers):
    first, _, last = numbers.partition("-")
    issue = get_object_or_404(
        Issue.objects.published(), year=year, number_first=int(first), number_last=int(last) if last else None
    )
    page, articles = lazy_paginate(request, issue_articles(issue), 60, counted=True)
    context = {
        "issue": issue,
        "page": page,
        "articles": articles,
        "list_topic": listed(f"list:issue:{issue.pk}"),
    }
    return render(request, "magazine/issue_detail.html", context)


SECTION_PAGE = 20


def section_list(section, language, now=None):
    """The articles of `section` (a Section) a reader of `language` finds listed, newest first."""
    order = ("other_language", "-publish_at", "-id")
    return section.articles.published(now).for_language(language, now).order_by(*order)


def section_first_keys(now, *, section, language):
    """The first page's keys of the section of primary key `section`, each with the section's total,
    as paginate_by_keys asks them (most visits ask the first page)."""
    return with_total(section_list(Section(pk=section), language, now))[:SECTION_PAGE]


# Built and compiled once per process, a statement prepared once per connection.
SECTION_FIRST_KEYS = Prepared(section_first_keys)


def section_detail(request, slug):
    section = next((section for section in Section.menu() if section.slug == slug), None)  # the menu's
    if section is None:
        raise Http404("No such section.")
    language = get_language()
    # The page's 20 keys and the count come from an index alone (article_section_language); only
    # those 20 articles are then read, not every article of the section.
    rows = section.articles.for_cards().order_by()
    page, articles = lazy_paginate(
        request,
        section_list(section, language),
        SECTION_PAGE,
        rows=rows,
        first_keys=lambda: SECTION_FIRST_KEYS(section=section.pk, language=language),
    )
    return render(
        request,
        "magazine/section_detail.html",
        {
            "section": section,
            "page": page,
            "articles": articles,
            "list_topic": listed(f"list:section:{section.pk}"),
        },
    )


def contacts(request):
    contacts = Contacts.load()
    return render(request, "magazine/contacts.html", {"contacts": contacts})


def event_list(request):
    upcoming = list(Event.objects.upcoming()[:50])
    page = paginate(request, Event.objects.past(), 20)
    return render(
        request, "magazine/event_list.html", {"upcoming": upcoming, "page": page, "past": page.object_list}
    )


def language_switch(request, code):
    """Remember the reader's explicit choice of language (for `/`), then go to that page in it."""
    if code not in dict(settings.LANGUAGES):
        raise Http404
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = f"/{code}/"
    response = HttpResponseRedirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
