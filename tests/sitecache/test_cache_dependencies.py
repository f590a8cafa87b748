"""Edits cool what they touch (sitecache topics): an edit of X is seen at once on every page that
shows X, and pages that do not show X stay cached."""

import pytest
from django.test import Client

from articles.models import Article
from comments.models import DiscussionSettings
from issues.models import Contacts
from revisions.models import Revision
from sitecache import changed
from tests.factories import make_article, make_author, make_comment, make_event, make_issue, make_section
from tests.html_forms import admin_form_data, admin_form_post

pytestmark = pytest.mark.django_db


def visit(path):
    """(page cache state, html) of `path` for a new anonymous visitor."""
    response = Client().get(path)
    assert response.status_code == 200, path
    return response.get("X-Page-Cache"), response.content.decode()


def warm(*paths):
    for path in paths:
        visit(path)
        assert visit(path)[0] == "hit", path


@pytest.fixture
def magazine():
    """Two articles in one issue and section, sharing a tag and an author; a third elsewhere."""
    issue, section, author = make_issue(), make_section(slug="security"), make_author(name="Aziza Rahimova")
    first = make_article(title="Water talks", issue=issue, section=section, tags=["water"], authors=[author])
    second = make_article(
        title="Border roads", issue=issue, section=section, tags=["water"], authors=[author]
    )
    elsewhere = make_article(title="Far away", section=make_section(slug="culture"), tags=["music"])
    return issue, section, author, first, second, elsewhere


def pages_showing(article):
    """Every public page that shows `article` (its card or its text)."""
    return [
        article.get_absolute_url(),
        article.issue.get_absolute_url(),
        article.section.get_absolute_url(),
        "/en/tags/water/",
        "/en/",
        "/en/feeds/rss/",
    ]


def test_an_edited_title_is_at_once_on_every_page_showing_the_article_and_nowhere_else(magazine):
    *_, first, second, elsewhere = magazine
    showing = pages_showing(first) + [second.get_absolute_url()]  # related reading under the second
    warm(*showing, elsewhere.get_absolute_url())

    first.title = "Water agreements"
    first.save()

    for path in showing:
        state, html = visit(path)
        assert "Water agreements" in html and "Water talks" not in html, path
    assert visit(elsewhere.get_absolute_url())[0] == "hit"  # a page that does not show it stays warm


def test_an_edit_through_the_admin_cools_the_article_and_leaves_other_articles_warm(magazine, admin_client):
    *_, first, second, elsewhere = magazine
    warm(first.get_absolute_url(), elsewhere.get_absolute_url())

    data = admin_form_data(admin_client, first)
    assert admin_form_post(admin_client, first, data, lead="A new lead for the talks.").status_code == 302

    assert "A new lead for the talks." in visit(first.get_absolute_url())[1]
    assert visit(elsewhere.get_absolute_url())[0] == "hit"


def test_a_text_edit_leaves_the_pages_of_articles_in_the_same_issue_warm(magazine):
    """Its issue page lists both; the other article's own page does not show the first."""
    issue, *_, first, _, _ = magazine
    neighbour = make_article(title="Neighbour", issue=issue, section=make_section(slug="economy"))
    warm(neighbour.get_absolute_url())
    assert "Water talks" not in visit(neighbour.get_absolute_url())[1]

    first.blocks.create(position=1, body="<p>A new paragraph.</p>")

    assert visit(neighbour.get_absolute_url())[0] == "hit"
    assert "A new paragraph." in visit(first.get_absolute_url())[1]


def test_a_text_edit_moves_no_list(magazine, monkeypatch):
    """Not even on PostgreSQL, where the index writes the article's search vectors after a save: an
    instance saved again in the same request (the admin saves it, then its blocks) holds old ones."""
    *_, first, _, _ = magazine
    moved = []
    monkeypatch.setattr("sitecache.topics._move", moved.extend)

    first.title = "Water agreements"
    first.save()

    assert f"article:{first.pk}" in moved
    assert not [topic for topic in moved if topic.startswith("list:")]


@pytest.mark.parametrize("with_people", [True, False])
def test_a_lead_edited_in_the_admin_moves_no_list(admin_client, monkeypatch, with_people):
    """The admin sets the article's people again, unchanged: that is no change of any list."""
    authors = [make_author(name="Aziza Rahimova")] if with_people else []
    article = make_article(issue=make_issue(), section=make_section(), tags=["water"], authors=authors)
    moved = []
    monkeypatch.setattr("sitecache.topics._move", moved.extend)

    data = admin_form_data(admin_client, article)
    assert admin_form_post(admin_client, article, data, lead="A new lead.").status_code == 302

    assert f"article:{article.pk}" in moved
    assert not [topic for topic in moved if topic.startswith("list:") or topic == "site"]


def test_a_new_article_appears_in_its_lists_and_in_related_reading(magazine):
    issue, section, _, first, _, elsewhere = magazine
    warm(issue.get_absolute_url(), section.get_absolute_url(), first.get_absolute_url(), "/en/tags/water/")
    warm(elsewhere.get_absolute_url())

    make_article(title="Fresh analysis", issue=issue, section=section, tags=["water"])

    for path in (
        issue.get_absolute_url(),
        section.get_absolute_url(),
        first.get_absolute_url(),
        "/en/tags/water/",
    ):
        assert "Fresh analysis" in visit(path)[1], path
    assert visit(elsewhere.get_absolute_url())[0] == "hit"


def test_an_unpublished_article_leaves_its_lists(magazine):
    issue, section, _, first, second, _ = magazine
    warm(issue.get_absolute_url(), section.get_absolute_url(), second.get_absolute_url())

    first.status = Article.Status.DRAFT
    first.save()

    for path in (issue.get_absolute_url(), section.get_absolute_url(), second.get_absolute_url()):
        assert "Water talks" not in visit(path)[1], path


def test_a_renamed_person_is_renamed_on_their_articles(magazine):
    _, _, author, first, second, elsewhere = magazine
    warm(first.get_absolute_url(), second.get_absolute_url(), elsewhere.get_absolute_url())

    author.name = "Aziza Rahimova-Karimova"
    author.save()

    for article in (first, second):
        assert "Aziza Rahimova-Karimova" in visit(article.get_absolute_url())[1]
    assert visit(elsewhere.get_absolute_url())[0] == "hit"


def test_a_search_card_is_kept_with_what_it_shows_not_with_the_cards_beside_it(magazine, monkeypatch):
    """The result cards of a search are rendered in one go; each is kept with its own article and
    people (and the rubrics), so an edit of one result re-renders that card alone, at once."""
    import articles.views

    _, _, author, first, second, _ = magazine
    rendered = []
    render_cards = articles.views.render_cards

    def spy(pks):
        rendered.append(sorted(pks))
        return render_cards(pks)

    monkeypatch.setattr(articles.views, "render_cards", spy)
    search = "/en/search/?q=Rahimova"
    warm(search)
    assert rendered == [sorted([first.pk, second.pk])]

    second.title = "Border roads reopened"
    second.save()

    html = visit(search)[1]
    assert "Border roads reopened" in html and "Water talks" in html
    assert rendered[1:] == [[second.pk]]  # the first card was still current

    author.name = "Aziza Rahimova-Karimova"
    author.save()

    assert visit(search)[1].count("Aziza Rahimova-Karimova") == 2
    assert rendered[2:] == [sorted([first.pk, second.pk])]  # both cards show the person


def test_an_approved_comment_cools_only_its_article(magazine):
    *_, first, second, _ = magazine
    comment = make_comment(article=first, body="A careful reply about rivers.")
    warm(first.get_absolute_url(), second.get_absolute_url())

    comment.status = comment.Status.APPROVED
    comment.save()

    assert "A careful reply about rivers." in visit(first.get_absolute_url())[1]
    assert visit(second.get_absolute_url())[0] == "hit"


@pytest.mark.parametrize("what", ["issue", "section", "event", "contacts", "discussion"])
def test_what_every_page_shows_cools_every_page(magazine, what):
    """Issues and sections (menu, sidebar archive), events and contacts (sidebar), the discussion
    settings (every comment form) are on every page."""
    issue, section, _, first, _, elsewhere = magazine
    warm(first.get_absolute_url(), elsewhere.get_absolute_url())
    if what == "issue":
        issue.theme = "Rivers and borders"
        issue.save()
    elif what == "section":
        section.name = "Security studies"
        section.save()
    elif what == "event":
        make_event(title="A round table", starts_at=first.publish_at.replace(year=2030), is_published=True)
    elif what == "contacts":
        contacts, _ = Contacts.objects.get_or_create(pk=1)
        contacts.save()
    else:
        settings_row = DiscussionSettings.from_database()
        settings_row.comments_enabled = False
        settings_row.save()
    assert visit(first.get_absolute_url())[0] == "miss"
    assert visit(elsewhere.get_absolute_url())[0] == "miss"


def test_a_revision_written_cools_nothing(magazine, admin_user):
    *_, first, _, elsewhere = magazine
    warm(first.get_absolute_url(), elsewhere.get_absolute_url())

    Revision.objects.create(
        content_type_id=Revision.content_type_of(first).pk, object_id=first.pk, object_repr="x", data={}
    )

    assert visit(first.get_absolute_url())[0] == "hit"


def test_a_piece_made_while_its_topic_changed_is_served_but_not_kept(magazine, monkeypatch):
    """The epoch: a write between the start of a render and its storing keeps the piece out."""
    *_, first, _, _ = magazine
    from articles import views

    original = views.load_article

    def load_then_edit(*args, **kwargs):
        loaded = original(*args, **kwargs)
        changed(f"article:{first.pk}")  # another process saved it meanwhile
        return loaded

    monkeypatch.setattr(views, "load_article", load_then_edit)
    assert visit(first.get_absolute_url())[0] == "miss"
    monkeypatch.setattr(views, "load_article", original)
    assert visit(first.get_absolute_url())[0] == "miss"  # the first render was not kept
    assert visit(first.get_absolute_url())[0] == "hit"
