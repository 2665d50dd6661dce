#!/usr/bin/env python3
"""Signs a new operator in through Liaison's own pages and prints the session cookie.

    operator_session.py ORIGIN INVITATION_LINK EMAIL

Used by sqlmap.sh so that the scan can reach the JSON API, which answers 401 to anonymous
requests. Opens the invitation (only the path of INVITATION_LINK is used, on ORIGIN), chooses a
random password, enrols TOTP with the secret the page shows, then signs in at /sign-in with the
next step's code (the enrolment code cannot be used twice). Prints `name=value` of the session
cookie on standard output; exits 1 with a message on standard error when a step fails.
Standard library only (Python 3 comes with sqlmap).
"""

import base64
import hashlib
import hmac
import html.parser
import http.cookiejar
import secrets
import struct
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

STEP_SECONDS = 30


def fail(message):
    print(f"operator_session.py: {message}", file=sys.stderr)
    sys.exit(1)


def totp(secret, step):
    """RFC 6238 code (HMAC-SHA-1, 6 digits) of a base32 secret at a time step."""
    clean = "".join(secret.split()).upper()
    key = base64.b32decode(clean + "=" * (-len(clean) % 8))
    mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000)


class Page(html.parser.HTMLParser):
    """The forms of a page (action and inputs) and the text of #totp-secret / #recovery-codes."""

    def __init__(self):
        super().__init__()
        self.forms = []
        self.texts = {}
        self._capture = None
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.forms.append({"action": attrs.get("action", ""), "inputs": []})
        elif tag == "input" and self.forms and attrs.get("name"):
            self.forms[-1]["inputs"].append(attrs)
        if self._capture:
            self._depth += 1
        elif attrs.get("id") in ("totp-secret", "recovery-codes"):
            self._capture = attrs["id"]
            self._depth = 1
            self.texts[self._capture] = ""

    def handle_endtag(self, tag):
        if self._capture:
            self._depth -= 1
            if self._depth == 0:
                self._capture = None

    def handle_data(self, data):
        if self._capture:
            self.texts[self._capture] += data

    def form_with(self, field):
        for form in self.forms:
            if any(i.get("name") == field for i in form["inputs"]):
                return form
        return None


def main():
    if len(sys.argv) != 4:
        fail("usage: operator_session.py ORIGIN INVITATION_LINK EMAIL")
    origin, link, email = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
    link = urllib.parse.urlsplit(link)
    invitation = origin + link.path + (f"?{link.query}" if link.query else "")

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("Accept", "text/html")]

    def get(url):
        try:
            with opener.open(url, timeout=10) as response:
                return response.geturl(), response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            fail(f"GET {url} answered {error.code}: {error.read()[:300]!r}")

    def post(url, fields):
        data = urllib.parse.urlencode(fields).encode()
        try:
            with opener.open(url, data=data, timeout=10) as response:
                return response.geturl(), response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            fail(f"POST {url} answered {error.code}: {error.read()[:300]!r}")

    def parse(text):
        page = Page()
        page.feed(text)
        return page

    def hidden_fields(form):
        return {i["name"]: i.get("value", "") for i in form["inputs"] if i.get("type") == "hidden"}

    # 1. The invitation: password and TOTP enrolment.
    _, text = get(invitation)
    page = parse(text)
    form = page.form_with("password")
    secret = "".join(page.texts.get("totp-secret", "").split())
    if not form or not secret:
        fail(f"the invitation page has no password form or no #totp-secret: {text[:300]!r}")
    password = secrets.token_urlsafe(15)  # 20 characters
    fields = hidden_fields(form)
    for field in form["inputs"]:
        if field.get("type") == "password":
            fields[field["name"]] = password
    enrolment_step = int(time.time()) // STEP_SECONDS
    fields["code"] = totp(secret, enrolment_step)
    _, text = post(urllib.parse.urljoin(invitation, form["action"] or link.path), fields)
    if "recovery-codes" not in parse(text).texts:
        fail(f"accepting the invitation showed no #recovery-codes: {text[:300]!r}")

    # 2. Sign in with the next step's code; wait for a later step once if it is refused.
    sign_in = origin + "/sign-in"
    sign_in_step = max(enrolment_step + 1, int(time.time()) // STEP_SECONDS)
    for attempt in range(2):
        _, text = get(sign_in)
        form = parse(text).form_with("email")
        if not form:
            fail(f"/sign-in has no form with an email field: {text[:300]!r}")
        fields = hidden_fields(form)
        fields.update(email=email, password=password, code=totp(secret, sign_in_step))
        url, text = post(urllib.parse.urljoin(sign_in, form["action"] or "/sign-in"), fields)
        if urllib.parse.urlsplit(url).path == "/":
            break
        if attempt == 0:
            time.sleep(max(0.0, (sign_in_step + 1) * STEP_SECONDS - time.time() + 0.5))
            sign_in_step = max(sign_in_step + 1, int(time.time()) // STEP_SECONDS)
    else:
        fail(f"signing in did not lead to /, but to {url}: {text[:300]!r}")

    for cookie in jar:
        if "session" in cookie.name:
            print(f"{cookie.name}={cookie.value}")
            return
    fail("signed in, but no session cookie was set: " + ", ".join(c.name for c in jar))


if __name__ == "__main__":
    main()
