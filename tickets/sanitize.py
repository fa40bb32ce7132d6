"""HTML from mail and rich-text forms, cleaned before it is stored."""

import nh3

_SCHEMES = {"http", "https", "mailto", "cid"}


def clean_html(html: str) -> str:
    if not html:
        return ""
    return nh3.clean(html, url_schemes=_SCHEMES, link_rel="noopener noreferrer nofollow")
