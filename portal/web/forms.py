"""Protection of the site's one public form (the objection form) against forged and automated
submissions, without cookies, sessions or JavaScript.

- A form token: the time the form was served, signed with HMAC-SHA256 under the server secret
  (`Settings.signing_key()`). A submission must carry a token this server signed no more than
  `TOKEN_MAX_AGE` ago: it proves the form was fetched from this site recently, and a script
  cannot post forever with one copied token.
- Same-origin check: browsers send `Origin` (and `Sec-Fetch-Site`) on every cross-site POST;
  when present they must name this site. This is what stops another site's page from making a
  visitor's browser submit (CSRF); there is no login to abuse, but the visitor's address
  counts against the rate limit.
- A honeypot: a field hidden from people (and from screen readers) that bots fill in.

Each failure is a form error: the form is shown again with what the visitor typed.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from starlette.requests import Request

TOKEN_MAX_AGE = timedelta(hours=4)
HONEYPOT = "website"
_PURPOSE = b"objection-form:"


def _signature(key: bytes, issued: int) -> str:
    return hmac.new(key, _PURPOSE + str(issued).encode(), hashlib.sha256).hexdigest()


def issue_token(key: bytes, now: datetime) -> str:
    issued = int(now.timestamp())
    return f"{issued}.{_signature(key, issued)}"


def token_error(key: bytes, token: str, now: datetime) -> str | None:
    """None when `token` is good; otherwise why not, in words for the visitor."""
    issued_text, _, signature = token.partition(".")
    if not issued_text.isdecimal() or not hmac.compare_digest(
        signature.encode(), _signature(key, int(issued_text)).encode()
    ):
        return "表单校验失败:请通过本网站的异议表单提交"
    age = now.timestamp() - int(issued_text)
    if age < -60 or age > TOKEN_MAX_AGE.total_seconds():
        hours = int(TOKEN_MAX_AGE.total_seconds() // 3600)
        return f"表单已打开超过{hours}小时,为安全起见请核对内容后再次提交"
    return None


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def cross_site_error(request: Request, base_url: str) -> str | None:
    """None when the browser says the POST comes from this site (or says nothing)."""
    if request.headers.get("sec-fetch-site", "").lower() == "cross-site":
        return "请通过本网站的异议表单提交"
    origin = request.headers.get("origin")
    if origin is None:
        return None  # older browsers and non-browser clients; the token still applies
    own = {_origin(str(request.base_url)), _origin(base_url)}
    if origin.lower().rstrip("/") not in own:
        return "请通过本网站的异议表单提交"
    return None
