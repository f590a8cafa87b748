from django.urls import path, register_converter

from issues import views
from issues.converters import IssueNumbersConverter

register_converter(IssueNumbersConverter, "numbers")

app_name = "magazine"
urlpatterns = [
    path("", views.home, name="home"),
    path("issues/", views.issue_archive, name="issue-archive"),
    path("issues/<int:year>/<numbers:numbers>/", views.issue_detail, name="issue-detail"),
    path("sections/<slug:slug>/", views.section_detail, name="section-detail"),
    path("contacts/", views.contacts, name="contacts"),
    path("events/", views.event_list, name="events"),
]
