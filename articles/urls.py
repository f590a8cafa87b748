from django.urls import path, register_converter

from issues.converters import UnicodeSlugConverter
from sitecache import shared_document

from . import feeds, people, views

register_converter(UnicodeSlugConverter, "unicode_slug")

app_name = "articles"
urlpatterns = [
    path("articles/<slug:slug>/", views.article_detail, name="detail"),
    path("tags/<unicode_slug:slug>/", views.tag_detail, name="tag"),
    path("pr/", views.sponsored_list, name="sponsored"),
    path("people/", people.person_list, name="people"),
    path("people/<slug:slug>/", people.person_detail, name="person"),
    path("search/", views.search, name="search"),
    path("feeds/rss/", shared_document(feeds.LatestArticlesFeed()), name="feed-rss"),
    path("feeds/atom/", shared_document(feeds.LatestArticlesAtomFeed()), name="feed-atom"),
    path("feeds/sections/<slug:slug>/rss/", shared_document(feeds.SectionFeed()), name="section-feed-rss"),
    path(
        "feeds/sections/<slug:slug>/atom/", shared_document(feeds.SectionAtomFeed()), name="section-feed-atom"
    ),
    path("feeds/tags/<unicode_slug:slug>/rss/", shared_document(feeds.TagFeed()), name="tag-feed-rss"),
    path("feeds/tags/<unicode_slug:slug>/atom/", shared_document(feeds.TagAtomFeed()), name="tag-feed-atom"),
    # One reader's own feed, behind a secret address: never a shared document (articles.feeds).
    path("feeds/reader/<slug:key>/rss/", feeds.reader_feed, name="reader-feed-rss"),
]
