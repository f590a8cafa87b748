"""The root URLconf: the admin without a language prefix, every public page under /uz/, /ru/ or /en/."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
urlpatterns += i18n_patterns(
    path("", include("magazine.site_urls")),
    path("", include("articles.urls")),
    prefix_default_language=True,
)
if settings.DEBUG or settings.SERVE_MEDIA:
    urlpatterns += [
        path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})
    ]

handler404 = "magazine.errors.page_not_found"
handler500 = "magazine.errors.server_error"
