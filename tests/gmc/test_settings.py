import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "x8k2pq9vz4mw7rt1ly6hb3nc5dj0fs8ge2ua7Qe4Lk9Zt3Wp6Vn1Xc8Ry5",
    "ALLOWED_HOSTS": "gmc.example.org",
    "DATABASE_URL": "postgres://gmc@db.example.org:5432/gmc",
    "REDIS_URL": "redis://cache.example.org:6379/0",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.org:587",
    "SITE_URL": "https://gmc.example.org",
    "VISA_DATA_KEYS": "REgn9vHgXwZNHWJ0Rv4vejQhrRi4CsYYAiCyPy6gD8Q=",
}


# Not passed to the production subprocess: the test run's own settings and services, and
# the browser tests' permission for sync ORM calls under Playwright's event loop.
NOT_INHERITED = {
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "REDIS_URL",
    "DEBUG",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "SITE_URL",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "gmc.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_under_production_settings():
    result = manage("check", "--deploy", "--fail-level", "DEBUG", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    "missing",
    ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "SITE_URL", "VISA_DATA_KEYS"],
)
def test_production_refuses_to_start_without(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_production_refuses_a_visa_data_key_that_is_not_a_fernet_key():
    result = manage("check", env={**PRODUCTION_ENV, "VISA_DATA_KEYS": "not-a-key"})
    assert result.returncode != 0
    assert "VISA_DATA_KEYS: key number 1 is not a Fernet key" in result.stderr
    assert "not-a-key" not in result.stderr  # a key is never printed


def test_production_refuses_a_site_url_that_is_not_https():
    result = manage("check", env={**PRODUCTION_ENV, "SITE_URL": "http://gmc.example.org"})
    assert result.returncode != 0
    assert "SITE_URL" in result.stderr
    assert "https" in result.stderr


def test_production_links_start_with_site_url():
    code = "from gmc.links import absolute_url; print(absolute_url('/register/'))"
    result = manage("shell", "-c", code, env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "https://gmc.example.org/register/"


def make_run(tmp_path: Path, **env: str) -> str:
    """What the processes of `make run` are started with, with `tmp_path/bin/` standing
    in for the Python and honcho of the virtual environment (each prints its SITE_URL)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("python", "honcho"):
        probe = bin_dir / name
        probe.write_text('#!/bin/sh\necho "$(basename "$0") SITE_URL=$SITE_URL"\n')
        probe.chmod(0o755)
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    clean = {k: v for k, v in os.environ.items() if k not in {*NOT_INHERITED, "PORT"}}
    result = subprocess.run(
        [make, "--no-print-directory", "-o", "setup", "run", f"VENV={tmp_path}"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_make_run_links_follow_the_port(tmp_path):
    output = make_run(tmp_path, PORT="8813")
    # The web process, the worker that renders emails and the demo loader all see it.
    assert "python SITE_URL=http://127.0.0.1:8813\n" in output
    assert "honcho SITE_URL=http://127.0.0.1:8813\n" in output
    assert "127.0.0.1:8000" not in output


def test_make_run_keeps_a_site_url_that_is_set(tmp_path):
    output = make_run(tmp_path, PORT="8813", SITE_URL="https://gmc.example.org")
    assert "honcho SITE_URL=https://gmc.example.org\n" in output


def test_production_logs_one_json_object_per_line():
    result = manage(
        "shell",
        "-c",
        "import logging; logging.getLogger('gmc.probe').warning('hello %s', 'world')",
        env=PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout.strip().splitlines()[-1])
    assert record["message"] == "hello world"
    assert record["level"] == "WARNING"
    assert record["logger"] == "gmc.probe"


def test_no_environment_is_a_production_site_that_refuses_to_start(tmp_path):
    result = manage("check", env={"GMC_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "Production settings (DEBUG=0) need" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_embedded_defaults_use_sqlite_file_mail_and_filesystem_broker(tmp_path):
    env = {"GMC_VAR_DIR": str(tmp_path), "DEBUG": "1"}
    code = (
        "from django.conf import settings as s; import json; print(json.dumps(["
        "s.DATABASES['default']['ENGINE'], s.EMAIL_BACKEND, s.CELERY_BROKER_URL, s.DEBUG]))"
    )
    result = manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    engine, backend, broker, debug = json.loads(result.stdout.strip().splitlines()[-1])
    assert engine == "django.db.backends.sqlite3"
    assert backend == "django.core.mail.backends.filebased.EmailBackend"
    assert broker.startswith("filesystem://")
    assert debug is True
    assert (tmp_path / "gmc.sqlite3").exists() or (tmp_path / "mail").is_dir()


def test_production_static_files_are_hashed_and_compressed(tmp_path):
    result = manage(
        "collectstatic", "--noinput", env={**PRODUCTION_ENV, "STATIC_ROOT": str(tmp_path)}
    )
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    hashed = manifest["vendor/bootstrap/css/bootstrap.min.css"]
    assert hashed != "vendor/bootstrap/css/bootstrap.min.css"
    assert (tmp_path / hashed).exists()
    assert (tmp_path / f"{hashed}.gz").exists()
    assert (tmp_path / f"{hashed}.br").exists()


def test_gunicorn_serves_with_the_deployment_config(tmp_path):
    """The web process of the Procfile starts with deploy/gunicorn.conf.py: its logging
    dictionary is whole (gunicorn refuses to start when it names a missing handler)."""
    import http.client
    import socket
    import time

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    clean = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    env = {**clean, "DJANGO_SETTINGS_MODULE": "gmc.settings", "DEBUG": "1"}
    env["GMC_VAR_DIR"] = str(tmp_path)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "gmc.wsgi",
            "-c",
            "deploy/gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    status = None
    try:
        deadline = time.monotonic() + 60
        while status is None and server.poll() is None and time.monotonic() < deadline:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            try:
                connection.request("GET", "/robots.txt")
                status = connection.getresponse().status
            except OSError:
                time.sleep(0.2)
            finally:
                connection.close()
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0].decode(errors="replace")
    assert status == 200, output
