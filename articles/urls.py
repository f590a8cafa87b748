from django.urls import path

from . import views

app_name = "articles"
urlpatterns = [
    path("articles/<slug:slug>/", views.article_detail, name="detail"),
    path("tags/<slug:slug>/", views.tag_detail, name="tag"),
    path("pr/", views.sponsored_list, name="sponsored"),
]
