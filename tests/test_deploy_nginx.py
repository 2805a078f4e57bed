"""deploy/nginx.conf, as shipped, in front of the portal: TLS, the redirect from plain
HTTP, static files, private uploads handed over by X-Accel-Redirect, and the micro-cache
that serves anonymous visitors and never anybody's own page.

Each test runs a real nginx (Debian's package, installed by ``make test``) with the file
filled in as the README says, a self-signed certificate, and the portal behind it on a
live server.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import ssl
import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from declarations.models import Attachment
from tests.conftest import free_port, wait_for
from tests.declarations import samples
from tests.declarations.factories import call_with_topics
from tests.factories import EditionFactory, UserFactory
from tests.registration.factories import RegistrationFactory

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
OPENSSL = shutil.which("openssl") or "/usr/bin/openssl"

pytestmark = pytest.mark.skipif(
    not Path(NGINX).exists() and not os.environ.get("CI"),
    reason="nginx is not installed (make test installs it; CI never skips this)",
)


def render(template: str, values: dict[str, str]) -> str:
    """What envsubst does with the README's command: only ${GMC_...} are replaced."""
    names = set(re.findall(r"\$\{(GMC_[A-Z_]+)\}", template))
    assert names == set(values), f"values for {sorted(names ^ set(values))}"
    return re.sub(r"\$\{(GMC_[A-Z_]+)\}", lambda match: values[match.group(1)], template)


class Front:
    def __init__(self, http_port: int, https_port: int):
        self.http_port = http_port
        self.https_port = https_port
        self._tls = ssl.create_default_context()
        self._tls.check_hostname = False
        self._tls.verify_mode = ssl.CERT_NONE

    def get(self, path: str, headers: dict[str, str] | None = None, *, tls: bool = True):
        if tls:
            connection = http.client.HTTPSConnection(
                "127.0.0.1", self.https_port, context=self._tls, timeout=20
            )
        else:
            connection = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=20)
        try:
            connection.request("GET", path, headers={"Host": "gmc.localhost", **(headers or {})})
            response = connection.getresponse()
            body = response.read()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, body
        finally:
            connection.close()


@pytest.fixture
def private_root(private_storage):
    private_storage.mkdir()
    return private_storage


@pytest.fixture
def front(live_server, settings, tmp_path, private_root):
    """nginx with deploy/nginx.conf in front of the live server, as in production: the
    application trusts the proxy's scheme and hands private files to it."""
    settings.DECLARATION_X_ACCEL_PREFIX = "/_private/"
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = ["*"]
    static_root = tmp_path / "static"
    (static_root / "css").mkdir(parents=True)
    (static_root / "css" / "site.0123abcd.css").write_text("body{margin:0}\n" * 200)
    for folder in ("cache", "temp"):
        (tmp_path / folder).mkdir()
    subprocess.run(
        [
            OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=gmc.localhost", "-keyout", str(tmp_path / "key.pem"),
            "-out", str(tmp_path / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    http_port, https_port = free_port(), free_port()
    site = render(
        CONFIG.read_text(),
        {
            "GMC_SERVER_NAME": "gmc.localhost",
            "GMC_UPSTREAM": live_server.url.removeprefix("http://"),
            "GMC_HTTP_PORT": str(http_port),
            "GMC_HTTPS_PORT": str(https_port),
            "GMC_TLS_CERTIFICATE": str(tmp_path / "cert.pem"),
            "GMC_TLS_CERTIFICATE_KEY": str(tmp_path / "key.pem"),
            "GMC_STATIC_ROOT": str(static_root),
            "GMC_PRIVATE_MEDIA_ROOT": str(private_root),
            "GMC_CACHE_DIR": str(tmp_path / "cache"),
        },
    )
    (tmp_path / "gmc.conf").write_text(site)
    temp = tmp_path / "temp"
    (tmp_path / "nginx.conf").write_text(
        f"""
        user root;
        worker_processes 1;
        daemon off;
        pid {tmp_path}/nginx.pid;
        error_log {tmp_path}/error.log warn;
        events {{ worker_connections 256; }}
        http {{
            include /etc/nginx/mime.types;
            access_log {tmp_path}/access.log;
            client_body_temp_path {temp}/body;
            proxy_temp_path {temp}/proxy;
            fastcgi_temp_path {temp}/fastcgi;
            uwsgi_temp_path {temp}/uwsgi;
            scgi_temp_path {temp}/scgi;
            include {tmp_path}/gmc.conf;
        }}
        """
    )
    command = [NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    proxy = Front(http_port, https_port)
    try:

        def answering():
            try:
                return proxy.get("/healthz", tls=False)[0] == 200
            except OSError:
                return False

        wait_for(answering, timeout=15, message="nginx did not start")
        yield proxy
    finally:
        process.terminate()
        process.wait(timeout=10)


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def test_plain_http_moves_to_https_with_the_same_address(front):
    status, headers, _ = front.get("/about/?a=1", tls=False)
    assert status == 301
    assert headers["location"] == f"https://gmc.localhost:{front.https_port}/about/?a=1"


def test_the_application_sees_https_behind_the_proxy(front, settings):
    settings.SECURE_SSL_REDIRECT = True
    # Plain HTTP reaching the application directly would be redirected; through the
    # proxy's TLS it is answered.
    status, _, _ = front.get("/about/")
    assert status == 200


def test_an_anonymous_public_page_is_kept_and_served_to_the_next_visitor(front, transactional_db):
    EditionFactory(is_current=True)
    first = front.get("/about/")
    second = front.get("/about/")
    assert first[0] == second[0] == 200
    assert first[1]["x-cache-status"] in {"MISS", "EXPIRED"}
    assert second[1]["x-cache-status"] == "HIT"
    assert second[2] == first[2]


def test_a_signed_in_visitor_is_never_served_from_nor_stored_in_the_cache(front, transactional_db):
    EditionFactory(is_current=True)
    person = UserFactory(email="amina.private@example.org", full_name="Amina Otieno")
    assert front.get("/about/")[1]["x-cache-status"] in {"MISS", "EXPIRED"}
    status, headers, body = front.get("/about/", {"Cookie": session_cookie(person)})
    assert status == 200
    assert headers["x-cache-status"] == "BYPASS"
    status, headers, body = front.get("/", {"Cookie": session_cookie(person)})
    assert headers["x-cache-status"] == "BYPASS"
    # What the signed-in person saw was not kept for anybody else.
    status, headers, body = front.get("/")
    assert status == 200
    assert headers["x-cache-status"] != "HIT"
    assert b"amina.private@example.org" not in body
    assert b"Amina Otieno" not in body


def test_a_page_that_sets_a_cookie_or_is_personal_is_never_kept(front, transactional_db):
    for _ in range(2):
        status, headers, _ = front.get("/accounts/login/")
        assert status == 200
        assert headers["x-cache-status"] != "HIT"
    person = UserFactory()
    RegistrationFactory(edition=EditionFactory(is_current=True), attendee=person)
    cookie = session_cookie(person)
    for _ in range(2):
        status, headers, _ = front.get(reverse("registration:mine"), {"Cookie": cookie})
        assert headers["x-cache-status"] == "BYPASS"


def test_static_files_are_served_by_nginx_compressed_and_kept_for_a_year(front, tmp_path):
    status, headers, _ = front.get("/static/css/site.0123abcd.css", {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert headers["content-encoding"] == "gzip"
    assert "x-cache-status" not in headers  # never reached the application


def test_a_private_upload_is_only_sent_after_the_application_checks_who_asks(
    front, transactional_db
):
    call = call_with_topics(edition=EditionFactory(is_current=True))
    owner = UserFactory()
    RegistrationFactory(edition=call.edition, attendee=owner)
    client = Client()
    client.force_login(owner)
    topic = call.topics.first()
    client.post(
        reverse("declarations:submit"),
        {
            "quote_consent": "named",
            "action": "submit",
            f"topic_{topic.pk}": "Open courses for rural schools",
            "attachment": SimpleUploadedFile("report.pdf", samples.PDF),
        },
    )
    attachment = Attachment.objects.get()
    url = attachment.get_download_url()

    status, headers, body = front.get(url, {"Cookie": session_cookie(owner)})
    assert status == 200
    assert body == samples.PDF
    assert "x-accel-redirect" not in headers
    assert headers["cache-control"] == "private, no-store"

    # Somebody else, signed in or not, gets nothing; the internal location is unreachable.
    assert front.get(url, {"Cookie": session_cookie(UserFactory())})[0] == 404
    assert front.get(url)[0] == 302
    assert front.get(f"/_private/{attachment.file.name}")[0] == 404
