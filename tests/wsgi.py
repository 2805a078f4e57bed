"""Requests through Django's own WSGI handler, as gunicorn's workers make them.

Unlike the test client, the handler runs the connection checks of a request's start and
end (``close_old_connections``: the health check, ``CONN_MAX_AGE``) and the CSRF check,
and connects nothing to the template signals, so many threads can use it at once (the
test client records every template rendered anywhere while its request runs)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode
from wsgiref.util import setup_testing_defaults

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client

FORM_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str


@dataclass
class Browser:
    """One person's browser: their cookies, kept from answer to answer."""

    handler: WSGIHandler = field(default_factory=WSGIHandler)
    cookies: dict[str, str] = field(default_factory=dict)

    @classmethod
    def signed_in(cls, user) -> Browser:
        client = Client()
        client.force_login(user)
        browser = cls()
        browser.cookies[settings.SESSION_COOKIE_NAME] = client.cookies[
            settings.SESSION_COOKIE_NAME
        ].value
        return browser

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def post(self, path: str, data: dict[str, str], *, token: str) -> Answer:
        body = urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        return self.request(
            "POST",
            path,
            body=body,
            CONTENT_TYPE="application/x-www-form-urlencoded",
            CONTENT_LENGTH=str(len(body)),
        )

    def request(self, method: str, path: str, *, body: bytes = b"", **environ) -> Answer:
        environ.update(
            PATH_INFO=path,
            REQUEST_METHOD=method,
            HTTP_COOKIE="; ".join(f"{name}={value}" for name, value in self.cookies.items()),
        )
        environ["wsgi.input"] = io.BytesIO(body)
        setup_testing_defaults(environ)
        started = []
        response = self.handler(
            environ, lambda status, headers, exc_info=None: started.append((status, headers))
        )
        try:
            text = b"".join(response).decode()
        finally:
            response.close()  # the end of the request: request_finished, as a server does
        status, headers = started[0]
        for name, value in headers:
            if name.lower() == "set-cookie":
                for morsel in SimpleCookie(value).values():
                    self.cookies[morsel.key] = morsel.value
        return Answer(int(status.split()[0]), dict(headers), text)


def form_token(answer: Answer) -> str:
    found = FORM_TOKEN.search(answer.body)
    assert found, f"no form on the page ({answer.status}): {answer.body[:1000]}"
    return found.group(1)
