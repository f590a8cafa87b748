"""People pages: one per author or interviewee, and the index of everyone with published work."""

from django.db.models import Q
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, override

from images.processing import rendition_name, rendition_widths
from issues.pagination import paginate
from sitecache import depends_on

from .models import Article, Author, AuthorAlias

PER_PAGE = 20
PEOPLE_PER_PAGE = 60


def person_articles(person, language):
    """The published articles and interviews of `person`, one version each for a reader of `language`,
    newest first. A translation counts as its original's: it may not name the person itself."""
    published = Article.objects.published()
    roots = (
        published.filter(Q(authors=person) | Q(interviewee=person))
        .annotate(root=Coalesce("translation_of", "pk"))
        .values("root")
    )
    return (
        published.filter(Q(pk__in=roots) | Q(translation_of__in=roots))
        .for_language(language)
        .for_cards()
        .order_by("-publish_at", "-id")
    )


def person_detail(request, slug):
    person = Author.objects.filter(slug=slug).first()
    if person is None:
        # A person merged into another keeps their address: it leads to the kept person for good.
        alias = get_object_or_404(AuthorAlias.objects.select_related("person"), slug=slug)
        return redirect(alias.person, permanent=True)
    depends_on(f"list:person:{person.pk}")
    page = paginate(request, person_articles(person, get_language()), PER_PAGE)
    if not page.paginator.count:
        raise Http404("No published work by this person.")  # nobody's page before their first article
    context = {
        "person": person,
        "page": page,
        "articles": page.object_list,
        "json_ld": person_json_ld(person, request),
    }
    return render(request, "articles/person_detail.html", context)


def person_list(request):
    depends_on("list:all")
    people = Author.objects.public().order_by("name", "pk")
    page = paginate(request, people, PEOPLE_PER_PAGE)
    return render(request, "articles/person_list.html", {"page": page, "people": page.object_list})


def person_json_ld(person, request):
    """A schema.org Person from what the page shows."""
    with override(get_language()):
        url = request.build_absolute_uri(person.get_absolute_url())
    data = {"@context": "https://schema.org", "@type": "Person", "name": person.name, "url": url}
    if person.position:
        data["jobTitle"] = person.position
    if person.bio_display:
        data["description"] = person.bio_display
    if person.photo:
        largest = max(rendition_widths(person.photo_width))
        data["image"] = request.build_absolute_uri(
            person.photo.storage.url(rendition_name(person.photo.name, largest))
        )
    return data
