from django.shortcuts import get_object_or_404, render

from .models import Contacts, Issue, Section
from .pagination import paginate


def issue_articles(issue):
    """The issue's table of contents: its published articles, grouped by rubric, in print order."""
    return (
        issue.articles.published()
        .for_listing()
        .order_by("section__position", "section__id", "position", "id")
    )


def home(request):
    issue = Issue.objects.published().first()
    articles = issue_articles(issue) if issue else []
    return render(request, "magazine/home.html", {"issue": issue, "articles": articles})


def issue_archive(request):
    page = paginate(request, Issue.objects.published(), 24)
    return render(request, "magazine/issue_archive.html", {"page": page, "issues": page.object_list})


def issue_detail(request, year, numbers):
    first, _, last = numbers.partition("-")
    issue = get_object_or_404(
        Issue.objects.published(), year=year, number_first=int(first), number_last=int(last) if last else None
    )
    page = paginate(request, issue_articles(issue), 60)
    return render(
        request, "magazine/issue_detail.html", {"issue": issue, "page": page, "articles": page.object_list}
    )


def section_detail(request, slug):
    section = get_object_or_404(Section, slug=slug)
    page = paginate(request, section.articles.published().for_listing(), 20)
    return render(
        request,
        "magazine/section_detail.html",
        {"section": section, "page": page, "articles": page.object_list},
    )


def contacts(request):
    contacts = Contacts.load()
    return render(request, "magazine/contacts.html", {"contacts": contacts})
