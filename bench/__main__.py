"""`make bench`: the portal under production-like settings, in one table.

    .venv/bin/python -m bench [--seconds 2] [--passes 2] [--quick] [--strict] [--no-nginx]

Starts its own stack (bench/stack.py: gunicorn with deploy/gunicorn.conf.py and 4 sync
workers, PostgreSQL, a throwaway Redis, production settings), then measures:

- the anonymous public pages with wrk at 32 connections, each against the floor view
  (bench/urls.py) in interleaved rounds: requests per second, p50, p99, share of the
  floor (bench/pages.py);
- the same through nginx configured from deploy/nginx.conf, micro-cache included, when
  nginx and that file exist (bench/nginx.py);
- the registration rush through the real form (bench/rush.py);
- the sign-up timing of a known against a new address (bench/signup.py);
- the reminder job at 10,000 recipients and emails per second through one Celery worker
  (bench/mail.py);
- the peak memory of a web worker and of the Celery worker.

Prints one table (progress goes to stderr) and writes it as JSON to build/bench.json.
Exits 2 when the benchmark cannot run, 1 when a correctness promise fails (seats
oversold, requests refused, emails lost) or, with --strict, when any target is missed;
else 0. Only ever talks to loopback; stops everything it started.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from . import mail, nginx, pages, rush, signup
from .client import Browser, wrk_path
from .data import FIRST_BENCH_YEAR, clear_bench_rows
from .procs import PeakMemory, Process, free_port, port_open
from .report import Report, Row, markdown
from .stack import ROOT, WEB_WORKERS, Stack, StackError

NGINX_SOURCE = ROOT / "deploy" / "nginx.conf"
CONNECTIONS = 32
RUSHES = [
    rush.Rush("64 clients in person, 32 seats", 64, "in_person", 32, FIRST_BENCH_YEAR + 1),
    rush.Rush("64 clients online", 64, "online", 32, FIRST_BENCH_YEAR + 2),
    rush.Rush(
        "200 clients in person, 50 seats",
        200,
        "in_person",
        50,
        FIRST_BENCH_YEAR + 3,
        compare=False,
        loads_per_client=1,
    ),
]


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="per wrk round (default 2)")
    parser.add_argument("--passes", type=int, default=2, help="rounds per page (default 2)")
    parser.add_argument("--recipients", type=int, default=10_000, help="of the reminder job")
    parser.add_argument("--emails", type=int, default=1000, help="through the worker")
    parser.add_argument("--signup-rounds", type=int, default=8)
    parser.add_argument("--no-nginx", action="store_true", help="leave the nginx part out")
    parser.add_argument(
        "--nginx-conf",
        type=Path,
        default=NGINX_SOURCE,
        help="the deployment's nginx configuration to adapt (default deploy/nginx.conf)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="a short run to try the harness: not for figures"
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--json", type=Path, default=ROOT / "build" / "bench.json")
    parser.add_argument(
        "--markdown",
        type=Path,
        metavar="JSON",
        help="print the README's tables from a run's JSON, and run nothing",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.seconds, args.passes = 1.0, 1
        args.recipients, args.emails, args.signup_rounds = 1000, 300, 3
    # Bounded, whatever is asked: the load stays short and on this machine.
    args.seconds = min(max(args.seconds, 1.0), 30.0)
    args.passes = min(max(args.passes, 1), 5)
    args.recipients = min(max(args.recipients, 1), 100_000)
    args.emails = min(max(args.emails, 1), args.recipients, 20_000)
    args.signup_rounds = min(max(args.signup_rounds, 1), 50)
    return args


class Clock:
    def __init__(self):
        self.started = time.monotonic()

    def __call__(self, message: str) -> None:
        print(f"[{time.monotonic() - self.started:5.0f} s] {message}", file=sys.stderr, flush=True)


def _interrupted(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.markdown:
        print(markdown(json.loads(args.markdown.read_text())))
        return 0
    say = Clock()
    if wrk_path() is None:
        print(
            "wrk is missing: `make bench` installs Debian's package when run as root; "
            "otherwise run 'sudo apt-get install wrk'.",
            file=sys.stderr,
        )
        return 2
    work = ROOT / "build" / "bench"
    work.mkdir(parents=True, exist_ok=True)
    work.chmod(0o755)  # nginx's workers read and write below it under their own user
    report = Report(meta=_meta(args))
    stack = Stack(work)
    memory = PeakMemory()
    sink = mail.CountingSink(stack.smtp_port)
    django_ready = False
    signal.signal(signal.SIGTERM, _interrupted)
    try:
        say(f"database {stack.database_url.rsplit('/', 1)[-1]}, Redis on :{stack.redis_port}")
        stack.ensure_database()
        stack.hold_database()
        stack.start_redis()
        stack.configure_this_process()
        import django
        from django.core.management import call_command

        django.setup()
        django_ready = True
        say("migrating and loading the demo data")
        call_command("migrate", interactive=False, verbosity=0)
        clear_bench_rows()
        call_command("load_demo", stdout=io.StringIO())
        stack.collect_static(say)
        sink.start()
        say(f"gunicorn: {WEB_WORKERS} sync workers on :{stack.web_port}")
        stack.start_web()
        memory.watch("web worker", stack.web_workers)

        direct = Browser(stack.web_port)
        public = pages.public_pages(direct)
        for page in public:
            pages.probe(direct, page)
        say(f"pages direct to gunicorn: {args.passes} x {args.seconds:.0f} s rounds each")
        floors = pages.measure(
            f"http://127.0.0.1:{stack.web_port}",
            public,
            seconds=args.seconds,
            passes=args.passes,
            connections=CONNECTIONS,
            headers=pages.headers_for_wrk(),
            say=say,
            settle=stack.settle,
        )
        floor_direct = report.add(pages.floor_row("direct", floors))
        if noise := pages.floor_noise("direct", floors):
            report.warn(noise)
        direct_rates = {pages.FLOOR: floor_direct.rate}
        for page in public:
            row = report.add(pages.page_row("direct", page))
            direct_rates[page.path] = row.rate

        if args.no_nginx:
            report.skip("nginx: left out (--no-nginx)")
        else:
            _through_nginx(stack, work, args, report, direct_rates, say)

        for scenario in RUSHES:
            stack.settle()
            report.add(rush.run(scenario, stack.web_port, say))
        report.add(signup.run(stack.web_port, args.signup_rounds, say))
        report.add(mail.reminder_job(args.recipients, say))
        report.add(mail.email_throughput(args.emails, 300.0, sink, stack, memory, say))
    except StackError as error:
        print(f"The benchmark cannot run: {error}", file=sys.stderr)
        return 2
    except RuntimeError as error:  # a process that would not start, wrk that failed
        print(f"The benchmark stopped: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Interrupted; stopping what the benchmark started.", file=sys.stderr)
        return 2
    finally:
        memory.stop()
        sink.stop()
        stack.stop()
        if django_ready:
            try:
                clear_bench_rows()
            except Exception as error:  # reported; the run is over anyway
                print(f"could not remove the benchmark's rows: {error}", file=sys.stderr)

    _memory_rows(report, memory)
    report.meta["seconds"] = round(time.monotonic() - say.started, 1)
    report.meta["load_average_after"] = list(os.getloadavg())
    print(report.table())
    report.write_json(args.json)
    say(f"done; the same as JSON in {args.json}")
    if report.correctness_failures:
        return 1
    return 1 if args.strict and report.failed else 0


def _through_nginx(stack, work, args, report, direct_rates, say) -> None:
    binary = nginx.nginx_path()
    if binary is None:
        report.skip(
            "nginx: not installed (`make bench` installs Debian's package when run as root; "
            "else 'sudo apt-get install nginx')"
        )
        return
    source = args.nginx_conf
    if not source.exists():
        report.skip(f"nginx: {_shown(source)} does not exist (yet): nothing to measure")
        return
    folder = work / "nginx"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    folder.chmod(0o755)
    paths = nginx.Paths(folder, stack.static_root, folder / "cert.pem", folder / "key.pem")
    nginx.self_signed(paths.certificate, paths.key)
    ports = iter([free_port() for _ in range(8)])
    try:
        config = nginx.template(
            source.read_text(), upstream_port=stack.web_port, ports=ports, paths=paths
        )
    except (nginx.ConfigError, StopIteration) as error:
        report.skip(f"nginx: {_shown(source)} could not be adapted for the benchmark: {error}")
        return
    conf = folder / "nginx.conf"
    conf.write_text(config.text)
    argv = [binary, "-c", str(conf), "-p", str(folder), "-e", str(paths.error_log)]
    check = subprocess.run(  # noqa: S603 - fixed arguments
        [*argv, "-t", "-q"], capture_output=True, text=True, timeout=30, check=False
    )
    if check.returncode != 0:
        report.skip(
            f"nginx: the configuration made from {_shown(source)} ({_shown(conf)}) does not load: "
            + (check.stderr.strip().splitlines() or ["?"])[-1]
        )
        return
    proxy = Process("nginx", argv, env=stack.env(), log=folder / "stdout.log", cwd=folder)
    stack.processes.append(proxy)  # stopped with the rest, whatever happens next
    try:
        proxy.wait_until(lambda: port_open(config.port), 20, "a listening port")
    except RuntimeError as error:
        report.skip(f"nginx: did not start with {_shown(conf)}: {error}")
        return
    scheme = "https" if config.tls else "http"
    say(f"nginx from {_shown(source)} on {scheme}://localhost:{config.port}")
    browser = Browser(config.port, host="localhost", tls=config.tls)
    public = pages.public_pages(browser)
    for page in public:
        pages.probe(browser, page)
    statuses: dict[str, dict[str, int]] = {}
    offset = [0]

    def count_statuses(path: str) -> None:
        counts, offset[0] = nginx.cache_statuses(config.access_log, offset[0])
        total = statuses.setdefault(path, {})
        for status, count in counts.items():
            total[status] = total.get(status, 0) + count

    count_statuses("")  # what the probes left in the log
    statuses.clear()
    floors = pages.measure(
        f"{scheme}://localhost:{config.port}",
        public,
        seconds=args.seconds,
        passes=args.passes,
        connections=CONNECTIONS,
        headers=pages.headers_for_wrk(),
        say=say,
        settle=stack.settle,
        between=count_statuses,
    )
    floor = pages.floor_row("nginx", floors, _hits(statuses.get(pages.FLOOR, {})))
    if direct_rates.get(pages.FLOOR):
        floor.compared = f"reference, {floor.rate / direct_rates[pages.FLOOR]:.1f}x direct"
    floor.figures["cache"] = statuses.get(pages.FLOOR, {})
    report.add(floor)
    if noise := pages.floor_noise("nginx", floors):
        report.warn(noise)
    for page in public:
        row = pages.page_row(
            "nginx",
            page,
            _hits(statuses.get(page.path, {})),
            direct_rate=direct_rates.get(page.path),
        )
        row.figures["cache"] = statuses.get(page.path, {})
        report.add(row)
    if config.notes:
        report.meta["nginx_notes"] = config.notes
    report.meta["nginx_config"] = {"source": _shown(source), "used": _shown(conf)}


def _shown(path: Path) -> str:
    path = path.resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _hits(counts: dict[str, int]) -> str:
    total = sum(counts.values())
    if not total:
        return ""
    return f"micro-cache hits {counts.get('HIT', 0) / total:.0%}"


def _memory_rows(report: Report, memory: PeakMemory) -> None:
    for name, label in (("web worker", "a gunicorn worker"), ("celery worker", "Celery")):
        peak = memory.peaks.get(name)
        seen = len(memory.pids.get(name, ()))
        detail = f"{seen} processes seen"
        if name == "web worker" and seen > WEB_WORKERS:
            detail += " (workers were restarted)"
        report.add(
            Row(
                section="memory",
                what=f"peak RSS of {label}",
                rate=peak,
                unit="MiB",
                detail=detail if peak is not None else "not measured",
                figures={"peak_mib": peak, "processes": seen},
            )
        )


def _meta(args) -> dict:
    def git(*argv: str) -> str:
        command = [shutil.which("git") or "git", *argv]
        result = subprocess.run(  # noqa: S603 - fixed arguments
            command, cwd=ROOT, capture_output=True, text=True, check=False
        )
        return result.stdout.strip()

    return {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": git("rev-parse", "--short", "HEAD"),
        "uncommitted_changes": bool(git("status", "--porcelain", "--untracked-files=no")),
        "cores": os.cpu_count(),
        "load_average_before": list(os.getloadavg()),
        "python": platform.python_version(),
        "gunicorn_workers": WEB_WORKERS,
        "connections": CONNECTIONS,
        "seconds_per_round": args.seconds,
        "passes": args.passes,
        "quick": args.quick,
    }


if __name__ == "__main__":
    sys.exit(main())
