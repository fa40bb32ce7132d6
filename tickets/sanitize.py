"""HTML from mail and rich-text forms: cleaned before it is stored, and again before it is shown."""

import html as html_lib
import re

import nh3

_SCHEMES = {"http", "https", "mailto", "cid"}


def clean_html(html: str) -> str:
    """What is stored: no scripts, handlers, styles or unknown schemes; links open without a referrer."""
    if not html:
        return ""
    return nh3.clean(html, url_schemes=_SCHEMES, link_rel="noopener noreferrer nofollow")


def _no_remote_images(tag: str, attr: str, value: str) -> str | None:
    if tag == "img" and attr in ("src", "srcset") and not value.startswith("cid:"):
        return None  # a remote image is a tracking pixel: it is never loaded, in either panel
    return value


def display_html(html: str) -> str:
    """What a panel shows: the stored HTML cleaned once more (rules may have tightened since it was
    stored), with every image that is not inline (cid:) dropped. Both panels render mail through this."""
    if not html:
        return ""
    return nh3.clean(html, url_schemes=_SCHEMES, attribute_filter=_no_remote_images)


def html_to_text(html: str) -> str:
    """The readable text of an HTML message (cleaned first): line breaks for blocks, entities decoded."""
    html = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</li>|</tr>|</h\d>", "\n", html)
    text = re.sub(r"<[^>]{0,10000}>", "", clean_html(html))
    text = html_lib.unescape(text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
