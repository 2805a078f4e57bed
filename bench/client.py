"""The clients of the benchmark: wrk for the pages, and a small browser for forms.

wrk (Debian's package) sends the load of the page rounds: it is written in C and
costs the two cores far less per request than a Python client would. The browser
(http.client, one connection a request, cookies, forms) plays the people of the
registration rush and of the sign-up timing, where each request is a person's.
"""

from __future__ import annotations

import http.client
import json
import shutil
import ssl
import subprocess
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

WRK_SCRIPT = Path(__file__).with_name("wrk_report.lua")
# What the TLS proxy in front of gunicorn adds to every request (SECURE_PROXY_SSL_HEADER):
# without it, production settings redirect every request to https.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}
# What a browser sends along with a page request.
BROWSER_HEADERS = {"Accept-Language": "en", "Accept-Encoding": "gzip"}


def wrk_path() -> str | None:
    return shutil.which("wrk")


@dataclass
class Load:
    """One wrk round: the requests it completed and their latencies."""

    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    errors: dict[str, int]
    connections: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


def wrk(
    url: str,
    *,
    seconds: float,
    connections: int,
    threads: int = 2,
    headers: dict[str, str] | None = None,
) -> Load:
    """Load ``url`` with ``connections`` open connections for ``seconds``. Errors are
    wrk's: connect, read, write, timeout (10 s) and status (a response of 400 or more)."""
    argv = [
        wrk_path() or "wrk",
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={max(1, round(seconds))}s",
        "--timeout=10s",
        f"--script={WRK_SCRIPT}",
    ]
    for name, value in (headers or {}).items():
        argv += ["--header", f"{name}: {value}"]
    argv.append(url)
    result = subprocess.run(  # noqa: S603 - fixed arguments, loopback addresses only
        argv, capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    summary = next(
        (line for line in result.stdout.splitlines() if line.startswith("BENCH-WRK ")), None
    )
    if result.returncode != 0 or summary is None:
        raise RuntimeError(f"wrk failed on {url}: {result.stdout}{result.stderr}".strip())
    data = json.loads(summary.removeprefix("BENCH-WRK "))
    return Load(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p90_ms=data["p90_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
        errors={k: data[k] for k in ("connect", "read", "write", "timeout", "status") if data[k]},
        connections=connections,
    )


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    seconds: float

    def header(self, name: str) -> str:
        return next((v for k, v in self.headers if k.lower() == name.lower()), "")

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


@dataclass
class Browser:
    """One person's browser: a cookie jar, a client address, and requests through the
    TLS proxy's headers. A new connection for each request (gunicorn's sync workers
    close it after each response)."""

    port: int
    host: str = "127.0.0.1"
    tls: bool = False
    forwarded_for: str = ""
    cookies: dict[str, str] = field(default_factory=dict)
    timeout: float = 60.0

    @property
    def origin(self) -> str:
        return f"https://{self.host}:{self.port}"

    def request(self, method: str, path: str, body: bytes | None = None, **extra) -> Response:
        if self.tls:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE  # the benchmark's own self-signed nginx
            connection = http.client.HTTPSConnection(
                self.host, self.port, timeout=self.timeout, context=context
            )
        else:
            connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        headers = {**PROXY_HEADERS, **BROWSER_HEADERS, **extra}
        headers["Accept-Encoding"] = "identity"  # the form parser reads the body
        if self.forwarded_for:
            headers["X-Forwarded-For"] = self.forwarded_for
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            seconds = time.perf_counter() - started
            header_list = response.getheaders()
        finally:
            connection.close()
        for name, value in header_list:
            if name.lower() == "set-cookie":
                pair = value.split(";", 1)[0]
                key, _, cookie = pair.partition("=")
                self.cookies[key.strip()] = cookie.strip()
        return Response(response.status, header_list, data, seconds)

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, fields: list[tuple[str, str]], referer: str) -> Response:
        body = urlencode(fields).encode()
        return self.request(
            "POST",
            path,
            body,
            **{
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": self.origin,
                "Referer": self.origin + referer,
            },
        )


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    # Every field's name, those a browser would not send as they are (unchecked) too.
    names: set[str] = field(default_factory=set)

    def filled(self, values: dict[str, str]) -> list[tuple[str, str]]:
        """The form's own values (hidden fields, the CSRF token, defaults), with
        ``values`` replacing or adding fields."""
        kept = [(name, value) for name, value in self.fields if name not in values]
        return kept + list(values.items())


class _FormParser(HTMLParser):
    """The forms of a page with what a browser would send unchanged: hidden and text
    inputs, checked boxes, selected options, textareas."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._select: str | None = None
        self._select_value: str | None = None
        self._select_first: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self.forms.append(Form(a.get("action", ""), a.get("method", "get").lower()))
            return
        if not self.forms or "name" not in a:
            if tag == "option" and self._select is not None:
                self._option(a)
            return
        form = self.forms[-1]
        if tag in {"input", "select", "textarea"}:
            form.names.add(a["name"])
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            form.fields.append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select":
            self._select, self._select_value, self._select_first = a["name"], None, None
        elif tag == "textarea":
            self._textarea, self._text = a["name"], []

    def _option(self, a: dict[str, str]) -> None:
        value = a.get("value", "")
        if self._select_first is None:
            self._select_first = value
        if "selected" in a:
            self._select_value = value

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None and self.forms:
            value = self._select_value if self._select_value is not None else self._select_first
            self.forms[-1].fields.append((self._select, value or ""))
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self.forms:
            self.forms[-1].fields.append((self._textarea, "".join(self._text)))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)


def find_form(html: str, *, having: str) -> Form | None:
    """The first POST form of the page with a field named ``having``."""
    parser = _FormParser()
    parser.feed(html)
    return next(
        (form for form in parser.forms if form.method == "post" and having in form.names), None
    )
