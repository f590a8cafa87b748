import hashlib
import io
from datetime import timedelta
from html import unescape
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django.utils.html import strip_tags
from taggit.models import Tag, TaggedItem

from articles.models import Article, ArticleBlock, Author
from articles.paywall import visible_blocks
from images.processing import rendition_name
from issues.models import Contacts, Issue, Section

pytestmark = pytest.mark.django_db


def seed():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """Seed once for the module (it draws 13 images), in a transaction rolled back afterwards.

    Each test still runs in its own savepoint, so what a test changes is undone; the media files of this
    run live in `seeded.storage`, not in the per-test MEDIA_ROOT.
    """
    media = tmp_path_factory.mktemp("seed-media")
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=hashers):
        with transaction.atomic():
            yield SimpleNamespace(output=seed(), storage=FileSystemStorage(location=media))
            transaction.set_rollback(True)


def counts():
    models = [Issue, Section, Article, ArticleBlock, Author, Tag, TaggedItem, User, Contacts]
    return {model.__name__: model.objects.count() for model in models}


def test_seed_creates_three_years_of_issues_with_double_issues_and_one_draft(seeded):
    labels = [issue.label for issue in Issue.objects.all()]
    assert len(labels) >= 9
    assert {"1-2/2025", "3/2025", "4/2025", "1-2/2024", "1/2023"} <= set(labels)
    assert list(Issue.objects.filter(is_published=False)) == [Issue.objects.first()]
    for issue in Issue.objects.all():
        assert issue.theme and issue.theme_ru and issue.theme_en and issue.description_en
        assert issue.price == "25 000 so'm" and issue.where_to_buy_ru and issue.published_on


def test_seed_creates_35_issue_articles_and_a_few_web_only_ones(seeded):
    assert Article.objects.filter(issue__isnull=False).count() >= 35
    assert 2 <= Article.objects.filter(issue__isnull=True).count() <= 3
    assert Section.objects.count() >= 6
    assert not Section.objects.filter(name_ru="").exists() and not Section.objects.filter(name_en="").exists()


def test_interviews_alternate_questions_and_answers(seeded):
    interviews = Article.objects.exclude(interviewee_name="")
    assert interviews.count() >= 3
    for interview in interviews:
        assert interview.interviewee_position
        kinds = list(interview.blocks.values_list("kind", flat=True))
        assert len(kinds) >= 4
        assert kinds == ["question", "answer"] * (len(kinds) // 2)


def test_print_first_articles_keep_blocks_back_from_readers(seeded):
    print_first = Article.objects.filter(access=Article.Access.PRINT_FIRST)
    assert print_first.exists() and Article.objects.filter(access=Article.Access.FREE).exists()
    assert print_first.exclude(interviewee_name="").exists()
    for article in print_first:
        assert 2 <= article.public_block_count <= 4
        assert visible_blocks(article, None).count() == article.public_block_count < article.blocks.count()


def test_rich_text_has_lists_links_quotes_and_one_described_image(seeded):
    texts = ArticleBlock.objects.filter(kind="text")
    assert texts.filter(body__contains="<ul><li>").exists()
    assert texts.filter(body__contains='<a href="https://').exists()
    assert ArticleBlock.objects.filter(kind="quote").exclude(caption="").exists()
    image = ArticleBlock.objects.get(kind="image")
    assert image.image_alt and image.caption and seeded.storage.exists(image.image.name)


def test_languages_translation_sponsoring_draft_and_schedule_are_all_present(seeded):
    assert Article.objects.filter(language="ru").count() >= 2
    assert Article.objects.filter(language="en").count() >= 2
    translation = Article.objects.get(translation_of__isnull=False)
    assert translation.language != translation.translation_of.language
    assert translation.access == translation.translation_of.access
    assert Article.objects.filter(is_sponsored=True).count() == 1
    assert Article.objects.filter(status=Article.Status.DRAFT).count() == 1
    scheduled = Article.objects.scheduled().get()
    assert scheduled not in Article.objects.published()
    assert scheduled in Article.objects.published(now=timezone.now() + timedelta(days=30))
    assert {"OTS", "water", "energy", "border security"} <= set(Tag.objects.values_list("name", flat=True))


def test_every_issue_has_its_own_cover_with_renditions_in_storage(seeded):
    digests = set()
    for issue in Issue.objects.all():
        assert issue.cover_alt and (issue.cover_width, issue.cover_height) == (900, 1200)
        assert seeded.storage.exists(rendition_name(issue.cover.name, 480))
        with seeded.storage.open(issue.cover.name) as cover:
            digests.add(hashlib.sha256(cover.read()).hexdigest())
    assert len(digests) == Issue.objects.count()
    with_cover = Article.objects.exclude(cover="")
    assert with_cover.count() >= 3
    assert not with_cover.filter(cover_alt="").exists()


def test_editor_is_a_staff_member_of_editors_who_can_log_in(seeded, client):
    editor = User.objects.get(username="editor")
    assert editor.is_staff and not editor.is_superuser
    assert list(editor.groups.values_list("name", flat=True)) == ["Editors"]
    assert client.login(username="editor", password="magazine-demo-2025")
    assert client.get("/admin/").status_code == 200
    assert "magazine-demo-2025" in seeded.output and "http://127.0.0.1:8000/admin/" in seeded.output


def test_editor_password_can_come_from_the_environment(seeded, client, monkeypatch):
    monkeypatch.setenv("DEMO_EDITOR_PASSWORD", "another-secret-42")
    seed()
    assert client.login(username="editor", password="another-secret-42")
    assert not client.login(username="editor", password="magazine-demo-2025")


def test_contacts_get_an_address_in_tashkent(seeded):
    contacts = Contacts.load()
    assert "Toshkent" in contacts.address and "Tashkent" in contacts.address_en
    assert "Alay" not in contacts.address_en
    assert contacts.phone and contacts.email


def test_running_again_duplicates_nothing_and_keeps_the_covers(seeded):
    before, covers = counts(), sorted(Issue.objects.values_list("cover", flat=True))
    output = seed()
    assert counts() == before
    assert sorted(Issue.objects.values_list("cover", flat=True)) == covers
    assert "(0 articles new)" in output


def test_seeded_articles_are_indexed_for_search_without_their_hidden_blocks(seeded):
    article = Article.objects.filter(access=Article.Access.PRINT_FIRST, interviewee_name="").first()
    blocks = [unescape(strip_tags(block.body)) for block in article.blocks.order_by("position")]
    assert article.title in article.search_text
    assert blocks[0][:40] in article.search_text
    assert blocks[article.public_block_count][:40] not in article.search_text


def test_home_page_and_a_demo_article_answer_after_seeding(seeded, client):
    home = client.get("/uz/")
    assert home.status_code == 200
    assert "3/2025" in home.content.decode() and "4/2025" not in home.content.decode()  # 4/2025 is a draft
    article = Article.objects.published().exclude(cover="").first()
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert article.title in response.content.decode()


def test_demo_people_have_bios_and_the_interviews_link_their_interviewees(seeded):
    interviews = Article.objects.exclude(interviewee_name="")
    assert interviews.exists() and not interviews.filter(interviewee__isnull=True).exists()
    for interview in interviews.select_related("interviewee"):
        assert interview.interviewee.name == interview.interviewee_name
    assert not Author.objects.filter(bio="").exists() and not Author.objects.filter(bio_ru="").exists()


def test_seeding_again_links_interviews_seeded_before_interviewees_were_people(seeded):
    Article.objects.update(interviewee=None)
    Author.objects.update(bio="", bio_ru="", bio_en="")
    before = counts()
    seed()
    assert counts() == before
    assert not Article.objects.exclude(interviewee_name="").filter(interviewee__isnull=True).exists()
    assert not Author.objects.filter(bio="").exists()
