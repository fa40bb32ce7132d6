"""Response headers that every page of the helpdesk carries."""

from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """`Cache-Control: no-store` (and its older companions) on every response Django renders.

    Tickets, attachments, PDFs, customer data and the signed status pages must not stay in
    a browser's or a proxy's cache. Static files never get here: WhiteNoise serves them
    before this middleware, with their own long-lived caching headers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response
