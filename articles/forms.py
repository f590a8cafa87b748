from django import forms
from django.utils.translation import gettext_lazy as _

from issues.models import Issue, Section
from sitecache import remember

from .search.words import clean_query


class SearchForm(forms.Form):
    """The search page's query and filters; an unknown filter value is dropped, never an error page."""

    q = forms.CharField(label=_("Words to find"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    section = forms.ChoiceField(label=_("Section"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The choices are the same for every search until the content changes: kept with it.
        years = remember(
            "issue-years",
            lambda: list(
                Issue.objects.published().order_by("-year").values_list("year", flat=True).distinct()
            ),
        )
        self.sections = {section.slug: section for section in Section.menu()}
        self.fields["year"].choices = [("", _("All years")), *((year, year) for year in years)]
        self.fields["section"].choices = [
            ("", _("All sections")),
            *((slug, section.name_display) for slug, section in self.sections.items()),
        ]
        # clean_q() removes NUL and other control characters instead of refusing the query.
        self.fields["q"].validators = []
        self.truncated = False

    def clean_q(self):
        query, self.truncated = clean_query(self.cleaned_data["q"])
        return query

    def search_params(self):
        """(query, year, section) taken from the fields that are valid."""
        self.is_valid()
        data = self.cleaned_data
        return data.get("q", ""), data.get("year"), self.sections.get(data.get("section") or "")

    @property
    def ignored_filters(self):
        return [self.fields[name].label for name in ("year", "section") if name in self.errors]
