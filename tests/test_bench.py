"""The benchmark (bench/) stays out of the portal, and its parts work without running it.

The benchmark itself is `make bench`, never run here: these tests check that its floor
view cannot be reached under the portal's settings, that its modules import, and that
the pieces that must follow the portal (the registration and sign-up forms it fills,
the nginx configuration it adapts) still do.
"""

import importlib
import json
import pkgutil
import subprocess
from itertools import count
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone

import bench
from bench import data, nginx
from bench.client import find_form
from bench.report import Report, Row
from bench.rush import Rush, form_values, percentile, seat_count
from bench.urls import FLOOR_BODY, FLOOR_PATH
from registration.models import Registration
from tests.gmc.test_settings import PRODUCTION_ENV, manage

# --- the floor view is the benchmark's only ---------------------------------------------


def test_the_floor_view_is_no_address_of_the_portal(client):
    assert settings.ROOT_URLCONF == "gmc.urls"
    with pytest.raises(Resolver404):
        resolve(FLOOR_PATH)
    assert client.get(FLOOR_PATH).status_code == 404


def test_the_floor_view_answers_under_the_benchmarks_urlconf(client, settings):
    settings.ROOT_URLCONF = "bench.urls"
    response = client.get(FLOOR_PATH)
    assert response.status_code == 200
    assert response.content == FLOOR_BODY


WALK_URLS = """
from django.conf import settings
from django.urls import Resolver404, get_resolver, resolve

def views(patterns):
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            yield from views(pattern.url_patterns)
        else:
            yield pattern.callback

try:
    resolve("/_floor/")
    floor = "reachable"
except Resolver404:
    floor = "404"
modules = sorted({view.__module__ for view in views(get_resolver().url_patterns)})
print(settings.ROOT_URLCONF, floor, any(m.split(".")[0] == "bench" for m in modules))
"""


def test_production_settings_never_reach_the_benchmark():
    result = manage("shell", "-c", WALK_URLS, env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == ["gmc.urls", "404", "False"]


def test_the_benchmarks_settings_add_the_floor_for_this_machine_only():
    loopback = {**PRODUCTION_ENV, "ALLOWED_HOSTS": "127.0.0.1,localhost"}
    result = manage(
        "shell", "-c", WALK_URLS, env={**loopback, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == ["bench.urls", "reachable", "True"]

    public = manage("check", env={**PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "bench.settings"})
    assert public.returncode != 0
    assert "bench.settings serve only this machine" in public.stderr


@pytest.mark.parametrize(
    "name", sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if m.name != "settings")
)
def test_benchmark_modules_import_cleanly(name):
    # bench.settings is loaded by the subprocesses above (it reads the environment).
    module = importlib.import_module(f"bench.{name}")
    assert module.__doc__


# --- the forms the benchmark fills are the portal's ---------------------------------------


def test_the_rush_fills_the_registration_form_as_a_person_would(db):
    edition = data.create_edition(
        data.FIRST_BENCH_YEAR, capacity=1, published=True, now=timezone.now(), title="Rush"
    )
    [person] = data.create_accounts("rush-test-", 1, signed_in=True)
    browser = Client(enforce_csrf_checks=True)
    browser.cookies[settings.SESSION_COOKIE_NAME] = person.session_cookie
    path = f"/register/{edition.year}/"

    form = find_form(browser.get(path).content.decode(), having="attendance")
    assert form is not None
    assert {"csrfmiddlewaretoken", "edition", "consent", "given_name"} <= form.names
    fields = form.filled(form_values(7, "in_person"))
    response = browser.post(
        path, urlencode(fields), content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 302
    registration = Registration.objects.get(edition=edition)
    assert registration.attendee_id == person.user_id
    assert (registration.attendance, registration.status) == ("in_person", "confirmed")


def test_the_sign_up_timing_finds_the_sign_up_form(client, db):
    form = find_form(client.get("/accounts/signup/").content.decode(), having="password1")
    assert form is not None
    assert {"csrfmiddlewaretoken", "email", "password1", "password2"} <= form.names


# --- nginx from the deployment's configuration --------------------------------------------

DEPLOYMENT = """
proxy_cache_path /var/cache/nginx/gmc levels=1:2 keys_zone=gmc_micro:10m inactive=10m;
upstream gmc_web {
    server web1.example.org:8000 fail_timeout=0;
    server web2.example.org:8000;
    keepalive 16;
}
map $http_cookie $gmc_skip { default 0; "~*sessionid" 1; }
server {
    listen 80;
    listen [::]:80;
    server_name gmc.example.org;
    return 301 https://$host$request_uri;
}
server {
    listen 443 ssl http2;
    server_name gmc.example.org;
    ssl_certificate /etc/letsencrypt/live/gmc/fullchain.pem;
    ssl_certificate_key /etc/letsencrypt/live/gmc/privkey.pem;
    ssl_stapling on;
    access_log /var/log/nginx/gmc.log combined;
    location /static/ { alias /srv/gmc/static/; expires 1y; }
    location /_private/ { internal; alias /srv/gmc/private/; }
    location / {
        proxy_pass http://gmc_web;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_cache gmc_micro;
        proxy_cache_valid 200 1s;
        proxy_cache_bypass $gmc_skip;
        proxy_no_cache $gmc_skip;
    }
}
"""


@pytest.fixture
def nginx_paths(tmp_path):
    static = tmp_path / "static"
    static.mkdir()
    return nginx.Paths(tmp_path / "nginx", static, tmp_path / "cert.pem", tmp_path / "key.pem")


def test_nginx_configuration_is_the_deployments_on_loopback(nginx_paths):
    config = nginx.template(DEPLOYMENT, upstream_port=8123, ports=count(9001), paths=nginx_paths)
    text = config.text
    # 9001 and 9002 are kept for placeholders this file does not use.
    assert (config.port, config.tls) == (9004, True)
    assert "listen 127.0.0.1:9003;" in text and "listen 127.0.0.1:9004 ssl http2;" in text
    assert "listen 80" not in text and "443" not in text and "[::]" not in text
    # The benchmark's gunicorn, once, in place of the deployment's servers.
    assert "server 127.0.0.1:8123;" in text and "web1" not in text and "web2" not in text
    # The micro-cache as deployed, its files under the run's folder.
    for kept in ("proxy_cache_valid 200 1s;", "proxy_cache_bypass $gmc_skip;", "keepalive 16;"):
        assert kept in text
    assert f"proxy_cache_path {nginx_paths.folder}/cache1 levels=1:2" in text
    assert f"alias {nginx_paths.static_root}/;" in text
    assert "/srv/" not in text and "/var/" not in text and "/etc/letsencrypt" not in text
    assert "ssl_stapling" not in text
    assert f"access_log {nginx_paths.access_log} bench_cache;" in text


def test_nginx_configuration_may_be_a_whole_file_proxying_to_an_address(nginx_paths):
    whole = """
user www-data;
pid /run/nginx.pid;
events { worker_connections 512; }
http {
    server { listen 8080; location / { proxy_pass http://127.0.0.1:8000/; } }
}
"""
    config = nginx.template(whole, upstream_port=8123, ports=count(9001), paths=nginx_paths)
    assert (config.port, config.tls) == (9003, False)
    assert "proxy_pass http://127.0.0.1:8123/;" in config.text
    assert "www-data" not in config.text and "/run/nginx.pid" not in config.text
    assert "worker_connections 512;" in config.text


# The deployment's file fills these at deploy time with envsubst.
WITH_PLACEHOLDERS = """
proxy_cache_path ${GMC_CACHE_DIR} levels=1:2 keys_zone=gmc_micro:10m;
upstream gmc_web { server ${GMC_UPSTREAM} max_fails=0; keepalive 32; }
server {
    listen ${GMC_HTTP_PORT};
    server_name ${GMC_SERVER_NAME};
    location / { return 301 https://$host:${GMC_HTTPS_PORT}$request_uri; }
}
server {
    listen ${GMC_HTTPS_PORT} ssl http2;
    server_name ${GMC_SERVER_NAME};
    ssl_certificate ${GMC_TLS_CERTIFICATE};
    ssl_certificate_key ${GMC_TLS_CERTIFICATE_KEY};
    location /static/ { alias ${GMC_STATIC_ROOT}/; }
    location /_private/ { internal; alias ${GMC_PRIVATE_MEDIA_ROOT}/; }
    location / {
        proxy_pass http://gmc_web;
        proxy_cache gmc_micro;
        proxy_cache_key "$scheme$host$request_uri$cookie_django_language";
    }
}
"""


def test_nginx_placeholders_are_filled_as_envsubst_would(nginx_paths):
    config = nginx.template(
        WITH_PLACEHOLDERS, upstream_port=8123, ports=count(9001), paths=nginx_paths
    )
    text = config.text
    assert "${" not in text
    # The redirect names the port the TLS server really listens on.
    assert (config.port, config.tls) == (9002, True)
    assert "listen 127.0.0.1:9002 ssl http2;" in text
    assert "return 301 https://$host:9002$request_uri;" in text
    assert "server 127.0.0.1:8123;" in text
    assert f"ssl_certificate {nginx_paths.certificate};" in text
    assert f"alias {nginx_paths.static_root}/;" in text
    assert 'proxy_cache_key "$scheme$host$request_uri$cookie_django_language";' in text


def test_an_unknown_placeholder_stops_the_nginx_part_by_its_name(nginx_paths):
    with pytest.raises(nginx.ConfigError, match=r"\$\{GMC_WORKERS\}"):
        nginx.template(
            "worker_processes ${GMC_WORKERS};\n" + WITH_PLACEHOLDERS,
            upstream_port=1,
            ports=count(9001),
            paths=nginx_paths,
        )


def test_a_configuration_that_proxies_nothing_is_refused(nginx_paths):
    with pytest.raises(nginx.ConfigError, match="proxy_pass"):
        nginx.template(
            "server { listen 80; return 200; }",
            upstream_port=1,
            ports=count(9001),
            paths=nginx_paths,
        )


@pytest.mark.skipif(nginx.nginx_path() is None, reason="nginx is not installed")
def test_nginx_accepts_the_adapted_configuration(nginx_paths):
    nginx_paths.folder.mkdir()
    nginx.self_signed(nginx_paths.certificate, nginx_paths.key)
    conf = nginx_paths.folder / "nginx.conf"
    for source in (DEPLOYMENT, WITH_PLACEHOLDERS):
        config = nginx.template(source, upstream_port=8123, ports=count(9001), paths=nginx_paths)
        conf.write_text(config.text)
        result = subprocess.run(
            [
                nginx.nginx_path(),
                "-t",
                "-c",
                str(conf),
                "-p",
                str(nginx_paths.folder),
                "-e",
                str(nginx_paths.error_log),
            ],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert result.returncode == 0, result.stderr


# --- figures -----------------------------------------------------------------------------


def test_p99_is_a_latency_somebody_saw():
    assert percentile(list(range(1, 65)), 0.99) == 64
    assert percentile(list(range(1, 201)), 0.99) == 198
    assert percentile(list(range(1, 201)), 0.5) == 100
    assert percentile([], 0.99) is None


def test_the_rush_counts_a_seat_too_many_and_a_seat_left_empty():
    crowd = Rush("200 on 50", 200, "in_person", 50, data.FIRST_BENCH_YEAR)
    assert seat_count(crowd, 50) == (0, True)
    assert seat_count(crowd, 51) == (1, False)
    assert seat_count(crowd, 49) == (0, False)
    few = Rush("10 on 50", 10, "in_person", 50, data.FIRST_BENCH_YEAR)
    assert seat_count(few, 10) == (0, True)
    online = Rush("online", 64, "online", 32, data.FIRST_BENCH_YEAR)
    assert seat_count(online, 0) == (0, True)
    assert seat_count(online, 1) == (0, False)


def test_a_broken_promise_fails_the_run_whatever_the_machine(tmp_path):
    report = Report(meta={"cores": 2})
    report.add(Row("direct", "home /", rate=10.0, unit="req/s", target="share >= 0.8", ok=False))
    report.add(Row("rush", "200 clients", ok=False, correctness=True, detail="oversold 3"))
    report.add(Row("memory", "peak RSS", rate=100.0, unit="MiB"))
    assert [row.what for row in report.correctness_failures] == ["200 clients"]
    assert "0 of 2 targets met; 1 correctness failures" in report.table()

    report.write_json(tmp_path / "bench.json")
    rows = json.loads((tmp_path / "bench.json").read_text())["rows"]
    assert [row["result"] for row in rows] == ["FAIL", "FAIL", "-"]


def test_the_benchmark_reads_the_visa_details_its_earlier_runs_wrote():
    # The demo data outlives a run: a later run (and every process of one run) must use
    # the key the earlier one encrypted the demo visa request with.
    from cryptography.fernet import Fernet

    from bench.stack import Stack

    url = "postgres://postgres@127.0.0.1:5432/gmc_bench"
    first, later = Stack(Path("unused"), database_url=url), Stack(Path("unused"), database_url=url)
    assert first.env()["VISA_DATA_KEYS"] == first.env()["VISA_DATA_KEYS"]
    token = Fernet(first.env()["VISA_DATA_KEYS"]).encrypt(b"P1234567")
    assert Fernet(later.env()["VISA_DATA_KEYS"]).decrypt(token) == b"P1234567"
    other = Stack(Path("unused"), database_url=url + "_other")
    assert other.env()["VISA_DATA_KEYS"] != first.env()["VISA_DATA_KEYS"]
    assert first.env()["SECRET_KEY"] != later.env()["SECRET_KEY"]


def test_the_benchmark_drops_demo_visa_details_it_cannot_read(settings, db):
    # A database filled under another key: its request goes (load_demo writes it again
    # under the database's own key); a readable one stays.
    from cryptography.fernet import Fernet

    from documents.visa import services
    from documents.visa.models import VisaRequest
    from tests.registration.factories import RegistrationFactory
    from tests.visa.conftest import DETAILS

    settings.VISA_DATA_KEYS = [Fernet.generate_key().decode()]
    first = RegistrationFactory(edition__is_current=True)
    earlier = services.request_letter(first.pk, by=first.attendee, details=DETAILS)
    settings.VISA_DATA_KEYS = [Fernet.generate_key().decode()]
    second = RegistrationFactory(edition=first.edition)
    readable = services.request_letter(second.pk, by=second.attendee, details=DETAILS)

    data.forget_unreadable_visa_details()

    assert list(VisaRequest.objects.values_list("pk", flat=True)) == [readable.pk]
    assert VisaRequest.objects.get().passport_number == DETAILS.passport_number
    assert earlier.pk != readable.pk
