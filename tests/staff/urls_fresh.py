"""The site's URLs plus one guarded GET download and one class view, as the print list will be."""

from django.http import HttpResponse
from django.urls import path
from django.views import View

from magazine.urls import urlpatterns as site_urlpatterns
from staff.fresh import FreshSecondFactorMixin, fresh_second_factor_required


@fresh_second_factor_required(purpose="test list")
def download(request):
    return HttpResponse("name,address\n", content_type="text/csv")


class DownloadView(FreshSecondFactorMixin, View):
    fresh_purpose = "test list (class)"

    def get(self, request):
        return HttpResponse("name,address\n", content_type="text/csv")


urlpatterns = [
    path("test-download/", download),
    path("test-download-view/", DownloadView.as_view()),
    *site_urlpatterns,
]
