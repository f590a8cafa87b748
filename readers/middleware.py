from django.utils.functional import SimpleLazyObject

from .sessions import session_reader


class ReaderMiddleware:
    """Set `request.reader`: the signed-in Reader or an AnonymousReader, loaded on first use.

    Place it after SessionMiddleware. `request.user` stays the staff user (django.contrib.auth).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.reader = SimpleLazyObject(lambda: session_reader(request))
        return self.get_response(request)
