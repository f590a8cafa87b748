from sitecache import bypass_page_cache

from .lookup import request_institution
from .services import reading_count


class InstitutionMiddleware:
    """Set `request.institution`: the live institution whose network the client is in, or None.

    Place it above sitecache.PageCacheMiddleware: an institution's visitor is neither answered
    from nor stored in the page cache (their article pages are whole). After the view, a page that
    showed the whole text thanks to the institution (`request.institution_read`, set by the article
    view) is counted in the institution's readings of the month.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.institution = request_institution(request)
        if request.institution is not None:
            bypass_page_cache(request)
        response = self.get_response(request)
        read = getattr(request, "institution_read", None)
        if read is not None and response.status_code == 200 and request.method == "GET":
            reading_count(read)
        return response
