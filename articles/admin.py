from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _, ngettext
from taggit.forms import TagWidget
from taggit.models import Tag

from magazine.admin import IssueAdmin, SingleRowAdmin
from magazine.admin_revisions import RevisionAdminMixin
from magazine.revisions import revision_create

from .models import Article, ArticleBlock, Author, EmbargoSettings
from .tagging import TagNamesField


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class BlockInline(admin.StackedInline):
    model = ArticleBlock
    extra = 0
    fields = [("kind", "position"), "body", ("image", "image_alt"), "caption"]
    ordering = ["position", "id"]


class TagInput(TagWidget):
    """Tag names as django-taggit writes them for editing (a name with a comma or a space in quotes), with
    the existing tags offered by the browser as suggestions."""

    template_name = "admin/articles/tag_input.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, {**(attrs or {}), "list": f"{name}-suggestions"})
        context["suggestions"] = Tag.objects.order_by("name").values_list("name", flat=True)[:500]
        return context


class PublicationFilter(admin.SimpleListFilter):
    title = _("publication")
    parameter_name = "publication"

    def lookups(self, request, model_admin):
        return [("live", _("Live on the site")), ("scheduled", _("Scheduled")), ("draft", _("Draft"))]

    def queryset(self, request, queryset):
        if self.value() == "live":
            return queryset.published()
        if self.value() == "scheduled":
            return queryset.scheduled()
        if self.value() == "draft":
            return queryset.filter(status=Article.Status.DRAFT)
        return queryset


@admin.register(Article)
class ArticleAdmin(RevisionAdminMixin, admin.ModelAdmin):
    list_display = ["title", "issue", "section", "language", "status", "publish_at", "access", "is_published"]
    list_filter = [PublicationFilter, "status", "access", "language", "issue", "section", "is_sponsored"]
    list_select_related = ["issue", "section"]
    search_fields = ["title", "subtitle", "lead", "slug", "interviewee_name", "authors__name"]
    autocomplete_fields = ["issue", "section", "authors", "translation_of"]
    date_hierarchy = "publish_at"
    inlines = [BlockInline]
    revision_related = ("blocks",)
    actions = ["publish_now"]
    readonly_fields = ["opens_at"]
    fieldsets = [
        (
            None,
            {"fields": ["title", "subtitle", "lead", ("issue", "section", "position"), "authors", "tags"]},
        ),
        (_("Interview"), {"fields": ["interviewee_name", "interviewee_position"]}),
        (
            _("Publication"),
            {
                "fields": [
                    ("status", "publish_at"),
                    ("access", "public_block_count"),
                    "paywall_note",
                    "opens_at",
                ]
            },
        ),
        (_("Cover"), {"fields": ["cover", "cover_alt", ("cover_caption", "cover_credit")]}),
        (
            _("Advanced"),
            {
                "classes": ["collapse"],
                "fields": ["slug", "language", "translation_of", "is_sponsored", "comments_open"],
            },
        ),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "tags":
            kwargs |= {"form_class": TagNamesField, "widget": TagInput(attrs={"size": 60})}
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.action(description=_("Publish selected articles now"), permissions=["change"])
    def publish_now(self, request, queryset):
        now, count = timezone.now(), 0
        for article in queryset:
            article.status, article.publish_at = Article.Status.PUBLISHED, now
            article.save(update_fields=["status", "publish_at", "updated_at"])
            revision_create(
                obj=article, user=request.user, related=self.revision_related, comment=_("Published now.")
            )
            count += 1
        self.message_user(request, ngettext("%d article published.", "%d articles published.", count) % count)


class IssueArticleInline(admin.TabularInline):
    model = Article
    fields = ["title", "section", "position", "status", "access"]
    extra = 0
    show_change_link = True
    ordering = ["position", "id"]


IssueAdmin.inlines = [*IssueAdmin.inlines, IssueArticleInline]


@admin.register(EmbargoSettings)
class EmbargoSettingsAdmin(SingleRowAdmin):
    fields = ["open_after_days"]
