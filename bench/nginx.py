"""nginx in front of the benchmark's gunicorn, configured from deploy/nginx.conf.

The deployment's file is read as nginx reads it (directives and blocks) and changed only
where a benchmark on this machine must differ: every ``listen`` becomes a free loopback
port (the TLS server keeps TLS, with a self-signed certificate made for the run), the
upstream is the benchmark's gunicorn, files (cache, logs, temporary files, pid) go under
build/bench/nginx/, the static files are the collected ones, and the access log records
each response's micro-cache status. Everything else -- the micro-cache, its keys and
bypasses, the headers, the timeouts -- is the deployment's own.

The file may be a whole nginx.conf (with an ``http`` block) or what goes inside ``http``
(server and upstream blocks, maps, cache paths); the latter is wrapped in a minimal main
configuration. Its ``${GMC_...}`` placeholders, which a deployment fills with envsubst,
are filled here with the benchmark's values (``placeholders``); one the benchmark does
not know stops the nginx part with its name.
"""

from __future__ import annotations

import datetime
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .procs import HOST

CACHE_LOG_FORMAT = "bench_cache"


@dataclass
class Node:
    """A directive (``children`` None) or a block, with its arguments as written."""

    name: str
    args: list[str] = field(default_factory=list)
    children: list[Node] | None = None


class ConfigError(ValueError):
    pass


def _tokens(text: str) -> Iterator[str]:
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c == "#":
            while i < n and text[i] != "\n":
                i += 1
        elif c in "{};":
            yield c
            i += 1
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            if j >= n:
                raise ConfigError("a quoted string is not closed")
            yield text[i : j + 1]
            i = j + 1
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in "{};":
                if text.startswith("${", j):  # ${name} inside a word is one variable
                    end = text.find("}", j)
                    if end < 0:
                        raise ConfigError("a ${ is not closed")
                    j = end + 1
                    continue
                if text[j] == "\\":
                    j += 1
                j += 1
            yield text[i:j]
            i = j


PLACEHOLDER = re.compile(r"\$\{(GMC_[A-Z0-9_]+)\}")


def _filled(piece: str, values: dict[str, str]) -> str:
    def value(match: re.Match) -> str:
        if match.group(1) not in values:
            raise ConfigError(f"it names ${{{match.group(1)}}}, which the benchmark cannot fill")
        return values[match.group(1)]

    return PLACEHOLDER.sub(value, piece)


def parse(text: str, values: dict[str, str] | None = None) -> list[Node]:
    """The directives and blocks of ``text`` (comments left out), with its
    ``${GMC_...}`` placeholders filled from ``values``."""
    stack: list[list[Node]] = [[]]
    words: list[str] = []
    for piece in _tokens(text):
        piece = _filled(piece, values or {})
        if piece == ";":
            if not words:
                raise ConfigError("an empty directive")
            stack[-1].append(Node(words[0], words[1:]))
            words = []
        elif piece == "{":
            if not words:
                raise ConfigError("a block without a name")
            block = Node(words[0], words[1:], [])
            stack[-1].append(block)
            stack.append(block.children)
            words = []
        elif piece == "}":
            if words or len(stack) == 1:
                raise ConfigError("an unexpected '}'")
            stack.pop()
        else:
            words.append(piece)
    if words or len(stack) != 1:
        raise ConfigError("the file ends inside a directive or block")
    return stack[0]


def render(nodes: list[Node], depth: int = 0) -> str:
    lines = []
    pad = "    " * depth
    for node in nodes:
        head = " ".join([node.name, *node.args])
        if node.children is None:
            lines.append(f"{pad}{head};")
        else:
            lines.append(f"{pad}{head} {{")
            lines.append(render(node.children, depth + 1))
            lines.append(f"{pad}}}")
    return "\n".join(line for line in lines if line)


@dataclass
class Templated:
    text: str
    port: int  # where the proxied site listens (TLS when ``tls``)
    tls: bool
    access_log: Path
    notes: list[str]


@dataclass
class Paths:
    folder: Path
    static_root: Path
    certificate: Path
    key: Path

    @property
    def access_log(self) -> Path:
        return self.folder / "access.log"

    @property
    def error_log(self) -> Path:
        return self.folder / "error.log"


# Files the deployment names that have no meaning here: dropped.
DROPPED = {
    "user",
    "daemon",
    "pid",
    "ssl_trusted_certificate",
    "ssl_stapling",
    "ssl_stapling_verify",
    "ssl_dhparam",
    "ssl_password_file",
    "load_module",
}
TEMP_PATHS = (
    "client_body_temp_path",
    "proxy_temp_path",
    "fastcgi_temp_path",
    "uwsgi_temp_path",
    "scgi_temp_path",
)


def placeholders(upstream_port: int, http_port: int, https_port: int, paths: Paths) -> dict:
    """What the deployment's envsubst would fill in, for this run (deploy/nginx.conf
    lists the names)."""
    return {
        "GMC_SERVER_NAME": "localhost",
        "GMC_UPSTREAM": f"{HOST}:{upstream_port}",
        "GMC_HTTP_PORT": str(http_port),
        "GMC_HTTPS_PORT": str(https_port),
        "GMC_TLS_CERTIFICATE": str(paths.certificate),
        "GMC_TLS_CERTIFICATE_KEY": str(paths.key),
        "GMC_STATIC_ROOT": str(paths.static_root),
        "GMC_PRIVATE_MEDIA_ROOT": str(paths.folder / "empty"),
        "GMC_CACHE_DIR": str(paths.folder / "cache1"),
    }


def template(source: str, *, upstream_port: int, ports: Iterator[int], paths: Paths) -> Templated:
    """The configuration to run: see the module's docstring. ``ports`` gives free
    loopback ports: two for the placeholders, then one for each other server block."""
    http_port, https_port = next(ports), next(ports)
    values = placeholders(upstream_port, http_port, https_port, paths)
    nodes = parse(source, values)
    notes: list[str] = []
    http = _find(nodes, "http")
    if http is None:
        main: list[Node] = [
            Node("worker_processes", ["auto"]),
            Node("events", [], [Node("worker_connections", ["1024"])]),
            Node("http", [], [Node("include", ["/etc/nginx/mime.types"]), *nodes]),
        ]
        http = main[-1]
    else:
        main = nodes
    main[:] = [node for node in main if node.name not in DROPPED | {"error_log"}]
    main.insert(0, Node("pid", [str(paths.folder / "nginx.pid")]))
    main.insert(0, Node("error_log", [str(paths.error_log), "warn"]))
    main.insert(0, Node("daemon", ["off"]))
    if _find(main, "events") is None:
        main.append(Node("events", [], [Node("worker_connections", ["1024"])]))

    head = [
        Node(
            "log_format",
            [CACHE_LOG_FORMAT, "'$upstream_cache_status $status $request_uri'"],
        ),
        Node("access_log", [str(paths.access_log), CACHE_LOG_FORMAT]),
        *(Node(name, [str(paths.folder / name.removesuffix("_path"))]) for name in TEMP_PATHS),
    ]
    http.children[:0] = head
    upstreams = {node.args[0] for node in _walk(http.children) if node.name == "upstream"}
    ctx = _Context(upstream_port, ports, paths, upstreams, notes, {http_port, https_port})
    body = http.children[len(head) :]
    _rewrite(body, ctx, [http])
    http.children[len(head) :] = body
    if ctx.served is None:
        raise ConfigError("no server block proxies to the portal (no proxy_pass)")
    return Templated(render(main) + "\n", ctx.served, ctx.tls, paths.access_log, notes)


def _find(nodes: list[Node], name: str) -> Node | None:
    return next((node for node in nodes if node.name == name and node.children is not None), None)


def _walk(nodes: list[Node]) -> Iterator[Node]:
    for node in nodes:
        yield node
        if node.children:
            yield from _walk(node.children)


@dataclass
class _Context:
    upstream_port: int
    ports: Iterator[int]
    paths: Paths
    upstreams: set[str]
    notes: list[str]
    reserved: set[int]  # the ports the placeholders named: a server listening on one keeps it
    caches: int = 0
    served: int | None = None
    tls: bool = False


def _rewrite(nodes: list[Node], ctx: _Context, within: list[Node]) -> None:
    kept = []
    for node in nodes:
        if node.name in DROPPED or node.name in TEMP_PATHS:
            continue
        if not _rewrite_one(node, ctx, within):
            continue
        if node.children is not None and node.name != "upstream":
            _rewrite(node.children, ctx, [*within, node])
        kept.append(node)
    nodes[:] = kept


def _rewrite_one(node: Node, ctx: _Context, within: list[Node]) -> bool:
    """Change one directive or block header in place; False drops it."""
    name, paths = node.name, ctx.paths
    if name == "access_log" and node.args[:1] != ["off"]:
        node.args = [str(paths.access_log), CACHE_LOG_FORMAT]
    elif name == "error_log":
        node.args = [str(paths.error_log), "warn"]
    elif name == "proxy_cache_path" and node.args:
        ctx.caches += 1
        node.args = [str(paths.folder / f"cache{ctx.caches}"), *node.args[1:]]
    elif name == "ssl_certificate":
        node.args = [str(paths.certificate)]
    elif name == "ssl_certificate_key":
        node.args = [str(paths.key)]
    elif name == "include" and node.args:
        target = Path(node.args[0].strip("\"'"))
        if not target.is_absolute():
            target = Path("/etc/nginx") / target
        if not target.exists() and "*" not in target.name:
            ctx.notes.append(f"left out 'include {node.args[0]}' (no such file here)")
            return False
        node.args = [str(target)]
    elif name in {"alias", "root"}:
        location = next((n for n in reversed(within) if n.name == "location"), None)
        if location is not None and location.args and location.args[-1].startswith("/static"):
            # alias /static/ -> the collected files; root -> their parent (it adds /static/).
            static = paths.static_root
            node.args = [str(static) + "/"] if name == "alias" else [str(static.parent)]
        else:
            empty = paths.folder / "empty"
            empty.mkdir(parents=True, exist_ok=True)
            node.args = [str(empty) + "/"]
    elif name == "upstream" and node.children is not None:
        # The benchmark's gunicorn in place of the deployment's servers.
        rest = [child for child in node.children if child.name != "server"]
        node.children = [Node("server", [f"{HOST}:{ctx.upstream_port}"]), *rest]
    elif name == "proxy_pass" and node.args:
        node.args[0] = _proxied(node.args[0], ctx)
    elif name == "server" and node.children is not None:
        _rewrite_server(node, ctx)
    return True


def _proxied(target: str, ctx: _Context) -> str:
    """A proxy_pass to an address (not to an upstream block) goes to our gunicorn."""
    if not target.startswith("http://"):
        return target
    address = target.removeprefix("http://")
    if address.startswith("unix:"):
        socket = re.match(r"unix:[^:]*:?", address)
        rest = address[socket.end() :]
        rest = rest if rest.startswith("/") or not rest else "/" + rest
    else:
        host, slash, uri = address.partition("/")
        if host in ctx.upstreams or "$" in host:
            return target
        rest = slash + uri
    return f"http://{HOST}:{ctx.upstream_port}{rest}"


def _rewrite_server(server: Node, ctx: _Context) -> None:
    """Each server block on a free loopback port of its own; the one that proxies to the
    portal (over TLS when the deployment's does) is the one measured."""
    listens = [child for child in server.children if child.name == "listen"]
    tls = any("ssl" in child.args or child.args[:1] == ["443"] for child in listens) or any(
        child.name == "ssl_certificate" for child in server.children
    )
    flags = (["ssl"] if tls else []) + (
        ["http2"] if any("http2" in child.args for child in listens) else []
    )
    named = [_port_of(child.args[0]) for child in listens if child.args]
    port = next((p for p in named if p in ctx.reserved), None) or next(ctx.ports)
    ctx.reserved.discard(port)
    server.children = [child for child in server.children if child.name != "listen"]
    server.children.insert(0, Node("listen", [f"{HOST}:{port}", *flags]))
    proxies = any(node.name == "proxy_pass" for node in _walk(server.children))
    if proxies and (ctx.served is None or (tls and not ctx.tls)):
        ctx.served, ctx.tls = port, tls


def _port_of(address: str) -> int | None:
    """The port of a listen address: "443", "[::]:443", "0.0.0.0:443"."""
    match = re.search(r"(?:^|:)(\d+)$", address)
    return int(match.group(1)) if match else None


def self_signed(certificate: Path, key: Path) -> None:
    """A certificate for localhost, valid for a day: the TLS of the benchmark's nginx."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(private, hashes.SHA256())
    )
    certificate.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key.chmod(0o600)


def nginx_path() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None
    )


def cache_statuses(log: Path, offset: int) -> tuple[dict[str, int], int]:
    """The micro-cache status of each response logged since ``offset`` (HIT, MISS,
    EXPIRED, UPDATING, BYPASS, or '-' for a response no cache was asked about)."""
    counts: dict[str, int] = {}
    with log.open("rb") as handle:
        handle.seek(offset)
        for line in handle:
            status = line.split(b" ", 1)[0].decode(errors="replace") or "-"
            counts[status] = counts.get(status, 0) + 1
        end = handle.tell()
    return counts, end
