from django.urls import reverse
from django.utils.timezone import localtime
from django.utils.translation import gettext as _, ngettext

from .models import Article


def articles_panel(request):
    """Scheduled articles and drafts, for users who may change articles."""
    if not request.user.has_perm("articles.change_article"):
        return None
    changelist = reverse("admin:articles_article_changelist")
    scheduled = Article.objects.scheduled().count()
    drafts = Article.objects.filter(status=Article.Status.DRAFT).count()
    items = [
        (
            ngettext("scheduled article", "scheduled articles", scheduled),
            scheduled,
            f"{changelist}?publication=scheduled",
        ),
        (ngettext("draft", "drafts", drafts), drafts, f"{changelist}?publication=draft"),
    ]
    if request.user.has_perm("articles.add_article"):
        items.append((_("Import an interview from Word"), "", reverse("admin:articles_article_import")))
    items += [
        (
            article.title,
            f"{localtime(article.publish_at):%d.%m %H:%M}",
            reverse("admin:articles_article_change", args=[article.pk]),
        )
        for article in Article.objects.scheduled().order_by("publish_at")[:5]
    ]
    return {"title": _("Articles"), "items": items}
