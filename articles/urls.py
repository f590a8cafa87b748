from django.urls import path, register_converter

from magazine.converters import UnicodeSlugConverter

from . import feeds, views

register_converter(UnicodeSlugConverter, "unicode_slug")

app_name = "articles"
urlpatterns = [
    path("articles/<slug:slug>/", views.article_detail, name="detail"),
    path("tags/<unicode_slug:slug>/", views.tag_detail, name="tag"),
    path("pr/", views.sponsored_list, name="sponsored"),
    path("search/", views.search, name="search"),
    path("feeds/rss/", feeds.LatestArticlesFeed(), name="feed-rss"),
    path("feeds/atom/", feeds.LatestArticlesAtomFeed(), name="feed-atom"),
    path("feeds/sections/<slug:slug>/rss/", feeds.SectionFeed(), name="section-feed-rss"),
    path("feeds/sections/<slug:slug>/atom/", feeds.SectionAtomFeed(), name="section-feed-atom"),
    path("feeds/tags/<unicode_slug:slug>/rss/", feeds.TagFeed(), name="tag-feed-rss"),
    path("feeds/tags/<unicode_slug:slug>/atom/", feeds.TagAtomFeed(), name="tag-feed-atom"),
]
