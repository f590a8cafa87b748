"""Fill the database with a demo magazine: three years of issues, rubrics, articles, an editor.

Safe to run again: every row is found by its natural key, an existing article keeps its blocks, and
covers are drawn only for issues that have none. All the texts are invented for the demo.
"""

import os
import random
from base64 import b32decode, b32encode
from binascii import unhexlify
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex
from taggit.models import Tag

from articles.models import Article, ArticleBlock, Author
from issues.models import Contacts, Issue, Section
from issues.slugs import slug_for

from ...demo_content import (
    ARTICLES,
    AUTHORS,
    BIO,
    CONTACTS,
    EDITORS_NOTE,
    IMAGE_ALT,
    IMAGE_CAPTION,
    INTERVIEWEES,
    ISSUES,
    LINKS,
    LISTS,
    PARAGRAPHS,
    QA,
    QUOTES,
    SECTION_TAGS,
    SECTIONS,
    WEB_ONLY,
    WHERE_TO_BUY,
)
from ...demo_pictures import PALETTE, draw_cover, draw_illustration

SEED = 2025
EDITOR_USERNAME = "editor"
DEFAULT_PASSWORD = "magazine-demo-2025"
DEMO_AUTHENTICATOR = "Demo authenticator"  # the editor's TOTP device: staff sign in with a second factor
SITE_URL = "http://127.0.0.1:8000/"


def article_blocks(rng, index, language, *, interview, image, link):
    """(kind, body, caption) triples: Q&A for an interview, else paragraphs with lists, links, quotes."""
    if interview:
        pairs = sorted(rng.sample(range(len(QA)), 4))
        return [
            (kind, f"<p>{text}</p>", "")
            for i in pairs
            for kind, text in zip(["question", "answer"], QA[i], strict=True)
        ]
    blocks = [("text", f"<p>{text}</p>", "") for text in rng.sample(PARAGRAPHS[language], 5)]
    if index % 3 == 0:
        blocks.insert(2, ("text", LISTS[language], ""))
    if index % 4 == 1:
        blocks.insert(1, ("quote", f"<p>{QUOTES[language][0]}</p>", QUOTES[language][1]))
    if link or index % 5 == 2:
        blocks.append(("text", LINKS[language], ""))
    if image:
        blocks.insert(2, ("image", "", IMAGE_CAPTION))
    return blocks


class Command(BaseCommand):
    help = "Create a demo magazine (issues, rubrics, articles, interviews, covers) and an editor account."

    def handle(self, *args, **options):
        self.now = timezone.now().replace(minute=0, second=0, microsecond=0)
        self.created = 0
        with transaction.atomic():
            self.sections = {
                slug: Section.objects.update_or_create(
                    slug=slug, defaults={"name": uz, "name_ru": ru, "name_en": en, "position": position}
                )[0]
                for position, (slug, uz, ru, en) in enumerate(SECTIONS, start=1)
            }
            self.authors = {
                language: [self.author(name, position) for name, position in people]
                for language, people in AUTHORS.items()
            }
            self.interviewees = iter(INTERVIEWEES)
            index = 0
            for number, (row, articles) in enumerate(zip(ISSUES, ARTICLES, strict=True)):
                issue = self.issue(row, color=PALETTE[number % len(PALETTE)], is_published=row != ISSUES[-1])
                # The table's date, not issue.published_on: an issue made by hand may have none.
                online = timezone.make_aware(datetime.combine(date(row[0], *row[3]), time(9)))
                for position, article in enumerate(articles, start=1):
                    publish_at = online + timedelta(minutes=position)
                    self.article(article, index=index, issue=issue, position=position, publish_at=publish_at)
                    index += 1
            for article in WEB_ONLY:
                publish_at = self.now + timedelta(days=article[3]["days"])
                self.article(article, index=index, issue=None, position=0, publish_at=publish_at)
                index += 1
            Contacts.objects.update_or_create(pk=1, defaults=CONTACTS)
            password = os.environ.get("DEMO_EDITOR_PASSWORD") or DEFAULT_PASSWORD
            device = self.editor(password)
        self.report(password, device)

    def author(self, name, position):
        person = Author.objects.get_or_create(
            slug=slug_for(name), defaults={"name": name, "position": position}
        )[0]
        if not person.bio:  # people seeded before they had bios get one too
            person.bio, person.bio_ru, person.bio_en = (text.format(name=name) for text in BIO)
            person.save(update_fields=["bio", "bio_ru", "bio_en"])
        return person

    def issue(self, row, *, color, is_published):
        year, first, last, (month, day), *themes = row
        texts = {
            "number_last": last,
            "published_on": date(year, month, day),
            "is_published": is_published,
            "price": "25 000 so'm",
        }
        for suffix, theme in zip(["", "_ru", "_en"], themes, strict=True):
            texts[f"theme{suffix}"] = theme
            texts[f"description{suffix}"] = EDITORS_NOTE[suffix].format(theme)
            texts[f"where_to_buy{suffix}"] = WHERE_TO_BUY[suffix]
        issue, _ = Issue.objects.get_or_create(year=year, number_first=first, defaults=texts)
        if not issue.cover:
            issue.cover.save(f"cover-{year}-{issue.numbers}.jpg", draw_cover(issue, color), save=False)
            issue.cover_alt = f"«Regional Security» {issue.label} soni muqovasi: {issue.theme}"
            issue.save()
        return issue

    def article(self, row, *, index, issue, position, publish_at):
        """Create the article of `row` with its blocks, tags, authors and cover, unless it exists."""
        section, title, lead, extra = row if len(row) == 4 else (*row, {})
        language, draft = extra.get("language", "uz"), extra.get("draft", False)
        interview = section == "interview"
        print_first = extra.get("print_first", index % 3 == 1)
        defaults = {
            "issue": issue,
            "section": self.sections[section],
            "position": position,
            "language": language,
            "title": title,
            "lead": lead,
            "status": Article.Status.DRAFT if draft else Article.Status.PUBLISHED,
            "publish_at": None if draft else publish_at,
            "access": Article.Access.PRINT_FIRST if print_first else Article.Access.FREE,
            "public_block_count": 2 + (index // 3) % 3,
            "is_sponsored": extra.get("is_sponsored", False),
        }
        if interview:
            defaults["interviewee_name"], defaults["interviewee_position"] = next(self.interviewees)
            defaults["interviewee"] = self.author(
                defaults["interviewee_name"], defaults["interviewee_position"]
            )
        if "translation_of" in extra:
            original = Article.objects.filter(slug=slug_for(extra["translation_of"], max_length=200)).first()
            defaults["translation_of"] = original
            if original is not None:  # a translation must not give away what the original holds back
                defaults["access"] = original.access
                defaults["public_block_count"] = original.public_block_count
        article, created = Article.objects.get_or_create(
            slug=slug_for(title, max_length=200), defaults=defaults
        )
        if not created:
            if interview and article.interviewee_id is None:  # seeded before interviewees were people
                Article.objects.filter(pk=article.pk).update(interviewee=defaults["interviewee"])
            return
        self.created += 1
        rng = random.Random(f"{SEED}-{title}")
        content = article_blocks(
            rng, index, language, interview=interview, image="image" in extra, link="is_sponsored" in extra
        )
        blocks = []
        for number, (kind, body, caption) in enumerate(content, start=1):
            block = ArticleBlock(article=article, position=number, kind=kind, body=body, caption=caption)
            if kind == ArticleBlock.Kind.IMAGE:
                block.image_alt = IMAGE_ALT
                block.image.save("scheme.jpg", draw_illustration(f"block-{title}", PALETTE[2]), save=False)
            blocks.append(block)
        # One insert instead of a save (and a search reindex) per block; adding the tags and authors
        # below sends m2m_changed, which indexes the finished article.
        ArticleBlock.objects.bulk_create(blocks)
        article.tags.add(*extra.get("tags") or rng.sample(SECTION_TAGS[section], 2))
        article.authors.add(*rng.sample(self.authors[language], 1 if interview or language != "uz" else 2))
        if issue is not None and issue.year == 2025 and position == 1:
            label = self.sections[section].name_en.upper()
            article.cover.save("cover.jpg", draw_illustration(title, PALETTE[index % 7], label), save=False)
            article.cover_alt = "Maqola uchun mavhum illyustratsiya: rangli halqalar va egri chiziq"
            article.save()

    def editor(self, password):
        user, _ = User.objects.get_or_create(
            username=EDITOR_USERNAME, defaults={"first_name": "Demo", "last_name": "Editor"}
        )
        user.is_staff = True
        user.is_active = True
        user.set_password(password)  # every run, so the credentials printed below always work
        user.save()
        user.groups.add(Group.objects.get(name="Editors"))
        return self.authenticator(user)

    def authenticator(self, user):
        """The editor's TOTP secret: DEMO_EDITOR_TOTP_SECRET (base32), else the one already set, else new."""
        secret = "".join(os.environ.get("DEMO_EDITOR_TOTP_SECRET", "").split()).upper()
        device = TOTPDevice.objects.filter(user=user, name=DEMO_AUTHENTICATOR).first()
        key = b32decode(secret + "=" * (-len(secret) % 8)).hex() if secret else None
        if device is None:
            return TOTPDevice.objects.create(user=user, name=DEMO_AUTHENTICATOR, key=key or random_hex(20))
        if key and device.key != key:
            device.key = key
            device.save(update_fields=["key"])
        return device

    def report(self, password, device):
        counts = {
            "issues": Issue.objects.count(),
            "sections": Section.objects.count(),
            "articles": Article.objects.count(),
            "visible articles": Article.objects.published().count(),
            "authors": Author.objects.count(),
            "tags": Tag.objects.count(),
        }
        summary = ", ".join(f"{count} {name}" for name, count in counts.items())
        self.stdout.write(
            self.style.SUCCESS(f"Demo magazine ready: {summary} ({self.created} articles new).")
        )
        self.stdout.write(f"Editor: username {EDITOR_USERNAME!r}, password {password!r}")
        secret = b32encode(unhexlify(device.key)).decode().rstrip("=")
        self.stdout.write(
            f"Second factor (authenticator app, TOTP): secret {secret}\n"
            f"  add it to any authenticator app, or print the current code with: make demo-code"
        )
        self.stdout.write(f"Site:  {SITE_URL}\nAdmin: {SITE_URL}admin/")
