from django import forms
from django.contrib import admin, messages
from django.db import models, transaction
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as gettext_now, gettext_lazy as _, ngettext
from taggit.forms import TagWidget
from taggit.models import Tag

from desk.mixin import DeskAdminMixin
from desk.widgets import THUMBNAIL_LABEL, ImagePreviewInput, thumbnail
from issues.admin import SingleRowAdmin, register_issue_inline
from revisions.admin_autosave import AutosaveAdminMixin
from revisions.admin_revisions import RevisionAdminMixin

from .admin_import import WordImportAdminMixin
from .models import Article, ArticleBlock, Author, EmbargoSettings
from .services import REVISION_RELATED, article_publication_audit, article_publish, person_merge
from .tagging import TagNamesField


@admin.register(Author)
class AuthorAdmin(DeskAdminMixin, admin.ModelAdmin):
    list_display = ["photo_thumbnail", "name", "position"]
    list_display_links = ["name"]
    search_fields = ["name", "position"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["merge_people"]
    add_title = _("Add person")
    change_title = _("Change person")
    readonly_fields = ["former_addresses"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "position", "former_addresses"]}),
        (_("Photo"), {"fields": ["photo", "photo_alt"]}),
        (_("Short bio"), {"fields": ["bio", "bio_ru", "bio_en"]}),
    ]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 4, "cols": 80})}}

    @admin.display(description=THUMBNAIL_LABEL)
    def photo_thumbnail(self, obj):
        return thumbnail(obj.photo)

    def view_on_site(self, obj):
        return obj.get_absolute_url()

    @admin.display(description=_("former addresses"))
    def former_addresses(self, obj):
        """The slugs of the people merged into this one: their old pages lead here."""
        slugs = [alias.slug for alias in obj.aliases.all()] if obj.pk else []
        return ", ".join(slugs) or "—"

    @admin.action(description=_("Merge the selected people into one…"), permissions=["change", "delete"])
    def merge_people(self, request, queryset):
        """Ask which of the selected people to keep, then merge the others into that one."""
        people = list(queryset.order_by("name", "pk"))
        if len(people) < 2:
            self.message_user(request, _("Select at least two people to merge."), messages.WARNING)
            return None
        if "into" in request.POST:
            into = next((p for p in people if str(p.pk) == request.POST["into"]), None)
            if into is None:
                self.message_user(request, _("Choose the person to keep among the selected."), messages.ERROR)
                return None
            with transaction.atomic():  # all of them or none
                for person in people:
                    if person.pk != into.pk:
                        person_merge(merged=person, into=into)
            count = len(people) - 1
            self.message_user(
                request,
                ngettext(
                    "%(count)d person merged into %(name)s.", "%(count)d people merged into %(name)s.", count
                )
                % {"count": count, "name": into.name},
                messages.SUCCESS,
            )
            return None
        counts = {
            person.pk: (person.article_count, person.interview_count)
            for person in queryset.annotate(
                article_count=Count("articles", distinct=True),
                interview_count=Count("interviews", distinct=True),
            )
        }
        context = {
            **self.admin_site.each_context(request),
            "title": _("Merge people"),
            "opts": self.model._meta,
            "people": [(person, *counts[person.pk]) for person in people],
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/articles/author/merge.html", context)


class BlockForm(forms.ModelForm):
    """A block; its position is kept by the order on the page (static/articles/blocks.js)."""

    class Meta:
        model = ArticleBlock
        fields = ["kind", "position", "body", "image", "image_alt", "caption"]
        widgets = {"position": forms.HiddenInput, "image": ImagePreviewInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].required = False


class BlockFormSet(forms.BaseInlineFormSet):
    def clean(self):
        """A new block without a position goes after every other block."""
        super().clean()
        kept = [form for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]
        taken = [form.cleaned_data.get("position") or 0 for form in kept]
        next_position = max(taken, default=0) + 1
        for form in kept:
            if form.instance.pk is None and not form.cleaned_data.get("position"):
                form.cleaned_data["position"] = form.instance.position = next_position
                next_position += 1


class BlockInline(admin.StackedInline):
    model = ArticleBlock
    form = BlockForm
    formset = BlockFormSet
    template = "admin/articles/article/blocks_inline.html"
    extra = 0
    fields = [("kind", "position"), "body", ("image", "image_alt"), "caption"]
    ordering = ["position", "id"]
    add_text = _("Add a block")


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
class ArticleAdmin(
    DeskAdminMixin, WordImportAdminMixin, AutosaveAdminMixin, RevisionAdminMixin, admin.ModelAdmin
):
    list_display = [
        "cover_thumbnail",
        "title",
        "issue",
        "section",
        "language_code",
        "publication",
        "access_short",
    ]
    list_display_links = ["title"]
    list_filter = [PublicationFilter, "access", "language", "issue", "section", "is_sponsored"]
    list_select_related = ["issue", "section"]
    search_fields = ["title", "subtitle", "lead", "slug", "interviewee_name", "authors__name"]
    autocomplete_fields = ["issue", "section", "authors", "interviewee", "translation_of"]
    date_hierarchy = "publish_at"
    inlines = [BlockInline]
    revision_related = REVISION_RELATED
    autosave_kept = ("status", "publish_at")  # an autosave never publishes
    actions = ["publish_now"]
    change_form_template = "admin/articles/article/change_form.html"
    add_title = _("Add article")
    change_title = _("Change article")
    readonly_fields = ["opens_at"]
    fieldsets = [
        (
            None,
            {"fields": ["title", "subtitle", "lead", ("issue", "section", "position"), "authors", "tags"]},
        ),
        (_("Interview"), {"fields": ["interviewee", "interviewee_name", "interviewee_position"]}),
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
        (
            _("Cover"),
            {
                "fields": [
                    "cover",
                    ("cover_focus_x", "cover_focus_y"),
                    "cover_alt",
                    ("cover_caption", "cover_credit"),
                ]
            },
        ),
        (
            _("Advanced"),
            {
                "classes": ["collapse"],
                "fields": ["slug", "language", "translation_of", "is_sponsored", "comments_open"],
            },
        ),
    ]

    class Media:
        js = ["magazine/admin/desk.js", "articles/admin/blocks.js"]
        css = {"all": ["magazine/admin/desk.css"]}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "tags":
            kwargs |= {"form_class": TagNamesField, "widget": TagInput(attrs={"size": 60})}
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=_("language"), ordering="language")
    def language_code(self, obj):
        return obj.language

    @admin.display(description=_("access"), ordering="access")
    def access_short(self, obj):
        return gettext_now("Print-first") if obj.is_print_first else gettext_now("Free")

    def view_on_site(self, obj):
        """A live article's page; others get the Preview link of the change form instead."""
        return obj.get_absolute_url() if obj.publication_state() == "live" else None

    @admin.display(description=THUMBNAIL_LABEL)
    def cover_thumbnail(self, obj):
        return thumbnail(obj.cover, obj.cover_focus)

    @admin.display(description=_("publication"), ordering="publish_at")
    def publication(self, obj):
        state = obj.publication_state()
        when = (
            date_format(timezone.localtime(obj.publish_at), "SHORT_DATETIME_FORMAT") if obj.publish_at else ""
        )
        labels = {
            "draft": gettext_now("Draft"),
            "scheduled": gettext_now("Scheduled for %s") % when,
            "waiting": gettext_now("Waiting for its issue (from %s)") % when,
            "live": gettext_now("Live since %s") % when,
        }
        return format_html('<span class="publication publication--{}">{}</span>', state, labels[state])

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "status" in form.changed_data and obj.status == Article.Status.PUBLISHED:
            article_publication_audit(article=obj, by=request.user)  # its revision: RevisionAdminMixin

    @admin.action(description=_("Publish selected articles now"), permissions=["change"])
    def publish_now(self, request, queryset):
        now, count = timezone.now(), 0
        for article in queryset:
            article_publish(article=article, by=request.user, now=now)
            count += 1
        self.message_user(request, ngettext("%d article published.", "%d articles published.", count) % count)


class IssueArticlesFormSet(forms.BaseInlineFormSet):
    """An issue's articles; one published here (its status changed) gets its audit record."""

    publisher = None  # the user saving the issue, set by IssueArticleInline.get_formset

    def save(self, commit=True):
        saved = super().save(commit)
        changed = [a for a, fields in self.changed_objects if "status" in fields] + self.new_objects
        for article in changed:
            if article.status == Article.Status.PUBLISHED:
                article_publication_audit(article=article, by=self.publisher)
        return saved


class IssueArticleInline(admin.TabularInline):
    model = Article
    formset = IssueArticlesFormSet
    fields = ["title", "section", "position", "status", "access"]
    extra = 0
    add_text = _("Add an article")
    show_change_link = True
    ordering = ["position", "id"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)  # a new class each request
        formset.publisher = request.user
        return formset


register_issue_inline(IssueArticleInline)


@admin.register(EmbargoSettings)
class EmbargoSettingsAdmin(SingleRowAdmin):
    fields = ["open_after_days"]
