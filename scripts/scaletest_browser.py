"""make scaletest's browser: a person's cookies and the admin's forms, filled in as a browser would."""

import base64
import html.parser
import http.cookies
import urllib.error
import urllib.parse
import urllib.request
import uuid

import loadtest


def totp_code(secret):
    """The current code of an authenticator app holding base32 `secret` (RFC 6238: SHA-1, 30 s, 6 digits)."""
    from django_otp.oath import totp

    return f"{totp(base64.b32decode(secret)):06d}"


class Browser:
    """One person: cookies kept by name and sent to whichever server this browser is pointed at.

    Straight to an app server the line is plain HTTP while the app is told it sits behind the TLS
    proxy (X-Forwarded-Proto), as nginx would say; its secure cookies are sent back all the same.
    """

    def __init__(self, base, ssl_context=None, cookies=None):
        self.base = base
        self.cookies = dict(cookies or {})
        handlers = [urllib.request.HTTPSHandler(context=ssl_context), loadtest.NoRedirect()]
        self.opener = urllib.request.build_opener(*handlers)

    def pointed_at(self, base):
        return Browser(base, cookies=self.cookies)

    def request(self, path, data=None, *, files=None, headers=None):
        """(status, headers, text or bytes); `data`: pairs to POST, `files`: name -> (filename, bytes)."""
        url = path if "://" in path else self.base + path
        # What the browser sees is the HTTPS site: its Referer says https, whichever server answers.
        headers = {"Referer": "https://" + url.partition("://")[2], "X-Forwarded-Proto": "https"} | (
            headers or {}
        )
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if files:
            body, headers["Content-Type"] = multipart(data or [], files)
        elif data is not None:
            body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(url, data=body, headers=headers)
        try:
            answer = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            answer = error
        with answer:
            for header in answer.headers.get_all("Set-Cookie") or []:
                for morsel in http.cookies.SimpleCookie(header).values():
                    self.cookies[morsel.key] = morsel.value
            content = answer.read()
            if not (answer.headers.get("Content-Type") or "").startswith("image/"):
                content = content.decode("utf-8", "replace")
            return answer.status, answer.headers, content

    def sign_in(self, username, password, totp_secret=None):
        status, _, page = self.request("/admin/login/")
        token = loadtest.CSRF.search(page).group(1)
        status, headers, _ = self.request(
            "/admin/login/?next=/admin/",
            [
                ("csrfmiddlewaretoken", token),
                ("username", username),
                ("password", password),
                ("next", "/admin/"),
            ],
        )
        if status != 302:
            raise SystemExit(f"The editor could not sign in at {self.base} ({status})")
        if totp_secret:  # the second factor, as the editor's authenticator app gives it
            _, _, page = self.request("/admin/two-factor/?next=/admin/")
            token = loadtest.CSRF.search(page).group(1)
            status, headers, _ = self.request(
                "/admin/two-factor/",
                [("csrfmiddlewaretoken", token), ("code", totp_code(totp_secret)), ("next", "/admin/")],
            )
            if status != 302 or "two-factor" in headers.get("Location", ""):
                raise SystemExit(f"The editor's second factor was refused at {self.base} ({status})")

    def save_admin_form(self, path, changes, files=None):
        """Open an admin change form, change some fields, save it as the editor would; return the status."""
        status, _, page = self.request(path)
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
        fields = [(name, value) for name, value in form_fields(page) if name not in changes]
        fields += list(changes.items()) + [("_save", "Save")]
        status, _, body = self.request(path, fields, files=files)
        if status != 302:
            raise SystemExit(
                f"Saving {path} answered {status}: {body[:2000] if isinstance(body, str) else ''}"
            )
        return status


def multipart(fields, files):
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, data) in files.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        parts.append(head.encode() + b"Content-Type: application/octet-stream\r\n\r\n" + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class FormFields(html.parser.HTMLParser):
    """The values a browser would send for the admin's main form (files and buttons left out)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields, self.in_form, self.textarea, self.select = [], False, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("id") or "").endswith("_form"):
            self.in_form = True
        if not self.in_form or "name" not in attrs and tag != "option":
            return
        kind = (attrs.get("type") or "text").lower()
        if tag == "input" and kind not in ("file", "submit", "button", "image", "reset"):
            if kind not in ("checkbox", "radio") or "checked" in attrs:
                self.fields.append(
                    (attrs["name"], attrs.get("value") or ("on" if kind == "checkbox" else ""))
                )
        elif tag == "textarea":
            self.textarea = [attrs["name"], ""]
        elif tag == "select":
            self.select = {
                "name": attrs["name"],
                "multiple": "multiple" in attrs,
                "chosen": [],
                "first": None,
            }
        elif tag == "option" and self.select is not None:
            value = attrs.get("value", "")
            self.select["first"] = value if self.select["first"] is None else self.select["first"]
            if "selected" in attrs:
                self.select["chosen"].append(value)

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "textarea" and self.textarea is not None:
            self.fields.append((self.textarea[0], self.textarea[1].removeprefix("\n")))
            self.textarea = None
        elif tag == "select" and self.select is not None:
            chosen = self.select["chosen"] or (
                [] if self.select["multiple"] else [self.select["first"] or ""]
            )
            self.fields += [(self.select["name"], value) for value in chosen]
            self.select = None


def form_fields(page):
    parser = FormFields()
    parser.feed(page)
    return parser.fields
