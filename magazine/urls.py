"""The root URLconf: the admin without a language prefix, every public page under /uz/, /ru/ or /en/."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.views.decorators.cache import cache_control
from django.views.generic import TemplateView
from django.views.static import serve

from articles.sitemaps import sitemaps
from issues.views import favicon, language_switch
from sitecache import shared_document

urlpatterns = [
    # The second factor of a staff sign-in (staff/): before the admin, whose URLs it extends.
    path("admin/two-factor/passkeys/", include("staff.webauthn")),
    path("admin/two-factor/", include("staff.urls")),
    path("admin/", admin.site.urls),
    path("language/<str:code>/", language_switch, name="language-switch"),
    # The interviewee's approval page: in the language the editor chose for it, not the URL's.
    path("approval/", include("approvals.urls")),
    path(
        "sitemap.xml",
        shared_document(sitemap_views.index),
        {"sitemaps": sitemaps, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        shared_document(sitemap_views.sitemap),
        {"sitemaps": sitemaps},
        name="sitemap-section",
    ),
    path("favicon.ico", favicon, name="favicon"),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots",
    ),
]
urlpatterns += i18n_patterns(
    path("", include("issues.urls")),
    path("", include("articles.urls")),
    path("", include("comments.urls")),
    path("", include("subscriptions.urls")),
    path("", include("readers.urls")),
    path("", include("issuecodes.urls")),
    path("", include("printsubscribers.urls")),
    prefix_default_language=True,
)
if settings.MEDIA_STORAGE is None and (settings.DEBUG or settings.SERVE_MEDIA):
    # Every upload and rendition is stored under a new generated name, so a file never changes: cache it.
    serve_media = cache_control(public=True, max_age=365 * 24 * 3600)(serve)
    media_prefix = settings.MEDIA_URL.strip("/")
    urlpatterns += [path(f"{media_prefix}/<path:path>", serve_media, {"document_root": settings.MEDIA_ROOT})]

if settings.BENCH_TRIVIAL_VIEW:
    # `make bench` measures the framework's own ceiling with this view; it exists only when asked for.
    urlpatterns += [path("bench/trivial/", TemplateView.as_view(template_name="bench_trivial.html"))]

handler404 = "ops.errors.page_not_found"
handler500 = "ops.errors.server_error"
