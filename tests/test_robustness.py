"""No input crashes a page: every URL the project routes, as every kind of visitor, with
the demo's own arguments and with hostile ones, with junk query strings and junk forms,
answers below 500 and never redirects off-site.

The URLs are found by walking the resolver, so a page added later is fuzzed without
anyone remembering to list it here. Every request runs in a savepoint that is rolled
back, so one request (a deletion, a sign-out, a cancellation) cannot change what the
next one sees, and a failure inside a view cannot poison the test's transaction.
"""

import copy
import io
import itertools
import random
import re
import string
import sys
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import quote, urlencode, urljoin, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.signals import got_request_exception
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from agenda.models import CalendarFeed, Session, Speaker
from declarations.models import Attachment
from gmc import demo as gmc_demo
from gmc.models import Edition, NewsArticle, Publication, User
from gmc.selectors import current_edition
from mailings import preferences
from mailings.models import Broadcast
from registration.models import Registration
from tests.declarations import samples

RNG = random.Random(20261123)
LONG = "x" * 100_000
EVIL = "https://evil.example/steal"
MACRO_VARIANTS = samples.MACRO_DOCX_VARIANTS[:2]

# The admin is walked on its own (below), for the project's models only; dev/mail exists
# only in development; static is WhiteNoise's.
SKIPPED_PREFIXES = ("admin/", "dev/mail/", "static/")

HOSTILE_INTS = ["0", "1999", "99999", "2147483648", "99999999999999999999"]
HOSTILE_STRINGS = [
    "no-such-thing",
    "a" * 300,
    "ünïcødé-ßlug",
    "../../etc/passwd",
    "%00",
    "'; DROP TABLE x; --",
]

# Query strings every page must shrug off; each key is also sent twice (getlist).
JUNK_QUERIES = [
    {
        "tz": "Not/AZone",
        "page": "abc",
        "topic": "abc",
        "year": "x",
        "q": "\x00",
        "next": EVIL,
        "lang": "xx",
        "status": "nonsense",
        "sort": "-nonsense",
        "edition": "abc",
    },
    {
        "tz": "",
        "page": "-1",
        "topic": "99999999999999999999",
        "year": "99999999999999999999",
        "q": "ü" * 300,
        "next": "//evil.example",
        "status": "",
        "edition": "99999999999999999999",
    },
    {
        "tz": "../../etc/localtime",
        "page": "999999",
        "topic": "",
        "year": "-1",
        "q": "' OR 1=1 --",
        "next": "javascript:alert(1)",
        "type": "nonsense",
        "format": "nonsense",
    },
    # "²".isdigit() is true, yet int("²") fails.
    {"year": "²", "page": "²", "topic": "²", "edition": "²", "tz": "UTC\x00", "q": "²"},
]


def junk_query_strings() -> list[str]:
    strings = [urlencode(query) for query in JUNK_QUERIES]
    doubled = [(key, value) for query in JUNK_QUERIES[:2] for key, value in query.items()]
    strings.append(urlencode(doubled))
    return strings


# --- Walking the resolver ---------------------------------------------------------------


def walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[tuple]:
    """Yield (route prefix, pattern, full name) for every leaf pattern."""
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}{pattern.namespace}:"
            yield from walk(pattern, route, inner)
        elif isinstance(pattern, URLPattern):
            yield prefix, pattern, f"{namespace}{pattern.name}"


ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def build_path(prefix: str, pattern: URLPattern, values: dict[str, str]) -> str | None:
    """The URL of `pattern` with `values` put in, quoted; None when it cannot be built."""
    if isinstance(pattern.pattern, RoutePattern):
        route = str(pattern.pattern)

        def fill(match: re.Match) -> str:
            return quote(values[match["name"]], safe="")

        return "/" + prefix.replace("^", "").replace("$", "") + ROUTE_PARAMETER.sub(fill, route)
    # A regular expression (allauth's key URLs): put the values in its named groups.
    regex = prefix.replace("^", "") + str(pattern.pattern).lstrip("^").rstrip("$")
    for name, value in values.items():
        regex = re.sub(rf"\(\?P<{name}>[^)]*\)", quote(value, safe=""), regex)
    if "(?P<" in regex:
        return None
    return "/" + regex.replace("^", "").replace("$", "")


def parameter_names(pattern: URLPattern) -> list[str]:
    if isinstance(pattern.pattern, RoutePattern):
        return [match["name"] for match in ROUTE_PARAMETER.finditer(str(pattern.pattern))]
    return list(pattern.pattern.regex.groupindex)


def demo_values(name: str, parameter: str) -> list[str]:
    """Real arguments from the demo data for the parameter `parameter` of URL `name`."""
    short = name.rsplit(":", 1)[-1]
    if parameter == "year":
        years = list(Edition.objects.order_by("-year").values_list("year", flat=True))
        return [str(year) for year in years[:1] + years[-1:]]
    if parameter == "slug":
        model = {
            "publication_download": Publication,
            "news_detail": NewsArticle,
            "speaker": Speaker,
        }.get(short, Session)
        return list(model.objects.order_by("pk").values_list("slug", flat=True)[:1])
    if parameter == "pk":
        model = {
            "checkin_mark": Registration,
            "attachment": Attachment,
            "attachment_remove": Attachment,
        }.get(short, Broadcast)
        return [str(pk) for pk in model.objects.order_by("pk").values_list("pk", flat=True)[:1]]
    if parameter == "token" and short == "feed":
        return list(CalendarFeed.objects.values_list("token", flat=True)[:1])
    if parameter == "token":
        attendee = User.objects.get(email=gmc_demo.ATTENDEE_EMAIL)
        return [preferences.make_token(attendee.pk, "news")]
    if parameter == "code":
        return [participant().registrations.order_by("-edition__year").first().ticket_code]
    if parameter == "fmt":
        return ["csv", "xlsx"]
    if parameter == "index":
        return ["0"]
    return []


def hostile_values(parameter: str) -> list[str]:
    if parameter in {"year", "pk", "index"}:
        return HOSTILE_INTS
    token = "".join(RNG.choices(string.ascii_letters + string.digits, k=32))
    return [*HOSTILE_STRINGS, token]


def url_variants() -> list[tuple[str, str, bool]]:
    """(name, path, built from the demo's own values) for every routed page."""
    variants = []
    for prefix, pattern, name in walk(get_resolver()):
        if prefix.startswith(SKIPPED_PREFIXES) or str(pattern.pattern).startswith(
            SKIPPED_PREFIXES
        ):
            continue
        names = parameter_names(pattern)
        if not names:
            variants.append((name, build_path(prefix, pattern, {}), True))
            continue
        real = {parameter: demo_values(name, parameter) for parameter in names}
        if all(real.values()):
            # Every combination of the demo's values is few (at most two years by two
            # formats), so all of them.
            combos = [{}]
            for parameter, values in real.items():
                combos = [{**combo, parameter: value} for combo in combos for value in values]
            for combo in combos:
                variants.append((name, build_path(prefix, pattern, combo), True))
        for parameter in names:
            for value in hostile_values(parameter):
                combo = {other: (real[other] or ["1"])[0] for other in names if other != parameter}
                combo[parameter] = value
                path = build_path(prefix, pattern, combo)
                if path is not None:
                    variants.append((name, path, False))
    return variants


# --- Reading forms -----------------------------------------------------------------------


class FormFields(HTMLParser):
    """The POST forms of a page: their actions, and their fields' kinds and choices."""

    def __init__(self, page: str):
        super().__init__()
        self.page = page
        self.forms: dict[str, dict[str, dict]] = {}
        self._fields: dict[str, dict] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            if (attributes.get("method") or "get").lower() == "post":
                action = urljoin(self.page, attributes.get("action") or self.page)
                self._fields = self.forms.setdefault(urlsplit(action).path, {})
            return
        name = attributes.get("name")
        fields = self._fields
        if fields is None:
            return
        if tag in {"input", "textarea", "select", "button"} and name:
            if name == "csrfmiddlewaretoken":
                return
            kind = attributes.get("type", "text") if tag == "input" else tag
            field = fields.setdefault(name, {"kind": kind, "choices": []})
            if kind in {"checkbox", "radio", "hidden", "button", "submit"} and attributes.get(
                "value"
            ):
                field["choices"].append(attributes["value"])
            if tag == "select":
                self._select = name
        elif tag == "option" and self._select:
            fields[self._select]["choices"].append(attributes.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "form":
            self._fields = None


def post_forms(path: str, response) -> dict[str, dict[str, dict]]:
    """{action path: fields} of the page's POST forms (the page itself when it has none)."""
    if "html" not in response.get("Content-Type", "") or response.status_code != 200:
        return {path: {}}
    parser = FormFields(path)
    parser.feed(response.content.decode(errors="replace"))
    return parser.forms or {path: {}}


def junk_posts(fields: dict[str, dict]) -> list[dict]:
    """Empty, random, oversized, out-of-range and out-of-choice values for every field.

    Besides all-junk, each variant keeps the choice fields at a real choice (or the text
    fields at a plain value), so that the junk reaches past the first check it would fail.
    """
    if not fields:
        return [{}, {"next": EVIL}]

    def real_choice(field: dict) -> str:
        return next((choice for choice in field["choices"] if choice), "")

    variants: list[dict] = [{}, {}, {}, {}, {}]
    empty, random_values, oversized, numbers, bad_choices = variants
    for name, field in fields.items():
        if field["kind"] in {"button", "submit"}:
            for variant in variants[1:]:
                variant[name] = real_choice(field)
            continue
        if field["kind"] == "file":
            random_values[name] = SimpleUploadedFile("junk.pdf", b"%PDF-not really")
            oversized[name] = SimpleUploadedFile("x" * 300 + ".pdf", LONG.encode())
            numbers[name] = SimpleUploadedFile("empty.pdf", b"")
            bad_choices[name] = SimpleUploadedFile("junk.exe", b"MZ")
            continue
        random_values[name] = "".join(RNG.choices(string.printable, k=RNG.randint(1, 40)))
        if field["choices"] or field["kind"] == "select":
            oversized[name] = numbers[name] = real_choice(field)
            bad_choices[name] = ["not-a-choice", "99999999999999999999", ""]
        else:
            oversized[name] = LONG
            numbers[name] = {
                "date": "2026-02-30",
                "datetime-local": "99999-01-01T25:61",
                "time": "25:61",
                "email": "@" * 300,
                "url": "javascript:alert(1)",
            }.get(field["kind"], "99999999999999999999")
            bad_choices[name] = "plain"
    empty.update({"next": EVIL})
    file_fields = [name for name, field in fields.items() if field["kind"] == "file"]
    if file_fields:
        variants += malformed_uploads(fields, file_fields)
    return variants


def malformed_uploads(fields: dict[str, dict], file_fields: list[str]) -> list[dict]:
    """The form filled in plainly, with a damaged, macro-carrying or text-laden file: the
    checks that read inside a file must refuse it, not fail."""
    plain = {}
    for name, field in fields.items():
        if field["kind"] == "file":
            continue
        if field["choices"] or field["kind"] == "select":
            plain[name] = next((choice for choice in field["choices"] if choice), "")
        elif field["kind"] not in {"url", "email", "date", "time", "datetime-local"}:
            plain[name] = "Plain words"
    uploads = [
        *samples.malformed_office_files(),
        *[(f"{variant}.docx", samples.macro_docx(variant)) for variant in MACRO_VARIANTS],
        ("bomb.docx", samples.docx_with_a_dtd()),
        ("macros.doc", samples.ole("WordDocument", storages=("Macros", "VBA"))),
        ("photo.jpg", samples.image_with_text("JPEG")),
        ("photo.png", samples.image_with_text("PNG")),
    ]
    return [
        {**plain, file_fields[0]: SimpleUploadedFile(name, content)} for name, content in uploads
    ]


# --- Requesting -----------------------------------------------------------------------


class Recorder:
    """Collects every 5xx and every off-site redirect, with the exception behind it."""

    def __init__(self):
        self.failures: list[str] = []
        self.requests = 0
        self._exception: str = ""
        got_request_exception.connect(self._caught, dispatch_uid="robustness")

    def _caught(self, sender, **kwargs):
        kind, value, _ = sys.exc_info()
        if kind is not None:
            self._exception = f"{kind.__module__}.{kind.__name__}: {str(value)[:200]}"

    def close(self):
        got_request_exception.disconnect(dispatch_uid="robustness")

    def request(self, client: Client, who: str, method: str, path: str, data=None):
        self._exception = ""
        self.requests += 1
        # The session lives in the database, so the rollback and the old cookies together
        # undo a sign-out, a sign-in or a deletion.
        cookies = copy.deepcopy(client.cookies)
        with transaction.atomic():
            if method == "GET":
                response = client.get(path, data=data)
            else:
                response = client.post(path, data=data or {})
            transaction.set_rollback(True)
        client.cookies = cookies
        shown = path if len(path) < 120 else path[:117] + "..."
        if response.status_code >= 500:
            query = f" {urlencode(data, doseq=True)[:80]}" if method == "GET" and data else ""
            fields = f" fields={sorted(data)[:8]}" if method == "POST" and data else ""
            self.failures.append(
                f"{response.status_code} {method} {shown}{query}{fields} as {who}: "
                f"{self._exception or '(no exception captured)'}"
            )
        location = response.get("Location", "")
        if response.status_code in {301, 302, 303, 307, 308} and location:
            host = urlsplit(location).netloc
            if host not in {"", "testserver"} or location.startswith(("//", "javascript:")):
                self.failures.append(f"off-site redirect {method} {shown} as {who}: {location}")
        return response


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())
    # The demo sends no messages; a draft puts the message pages in reach.
    Broadcast.objects.create(
        edition=current_edition(),
        subject="Programme published",
        body="The programme is online.",
        created_by=User.objects.get(email=gmc_demo.ORGANISER_EMAIL),
    )


def participant() -> User:
    """A person with a confirmed registration for the current edition (the demo attendee
    stays unregistered), so that the pages of a registration are reached too."""
    registration = (
        Registration.objects.filter(status=Registration.Status.CONFIRMED)
        .select_related("attendee")
        .order_by("-edition__year", "pk")
        .first()
    )
    return registration.attendee


def client_for(who: str) -> Client:
    client = Client(raise_request_exception=False, enforce_csrf_checks=False)
    if who == "participant":
        client.force_login(participant())
    elif who != "anonymous":
        email = {"attendee": gmc_demo.ATTENDEE_EMAIL, "organiser": gmc_demo.ORGANISER_EMAIL}[who]
        client.force_login(User.objects.get(email=email))
    return client


@pytest.mark.parametrize("who", ["anonymous", "attendee", "participant", "organiser"])
def test_no_input_gives_a_server_error(demo, who):
    started = time.monotonic()
    client = client_for(who)
    recorder = Recorder()
    queries = junk_query_strings()
    posted: set[tuple] = set()
    try:
        for _name, path, real in url_variants():
            response = recorder.request(client, who, "GET", path)
            if not real:
                recorder.request(client, who, "GET", f"{path}?{queries[0]}")
                recorder.request(client, who, "POST", path, {"next": EVIL})
                continue
            for query in queries:
                recorder.request(client, who, "GET", f"{path}?{query}")
            for action, fields in post_forms(path, response).items():
                # A form shown on many pages (sign-out, language) is fuzzed once.
                key = (action, tuple(sorted(fields)))
                if key in posted:
                    continue
                posted.add(key)
                for data in junk_posts(fields):
                    recorder.request(client, who, "POST", action, data)
    finally:
        recorder.close()
    elapsed = time.monotonic() - started
    print(f"{who}: {recorder.requests} requests, {len(posted)} forms, {elapsed:.1f}s")
    assert recorder.requests > 500, "the walk found far fewer pages than the portal has"
    assert not recorder.failures, (
        f"{len(recorder.failures)} of {recorder.requests} requests failed "
        f"({elapsed:.0f}s):\n" + "\n".join(recorder.failures)
    )


def test_the_demo_users_are_who_the_fuzz_assumes(demo):
    organiser = User.objects.get(email=gmc_demo.ORGANISER_EMAIL)
    assert organiser.is_staff
    assert not organiser.is_superuser
    assert organiser.groups.filter(name="Organisers").exists()
    assert User.objects.filter(email=gmc_demo.ATTENDEE_EMAIL).exists()


# --- next never leaves the site -------------------------------------------------------------

OFF_SITE = [EVIL, "//evil.example", "https:evil.example", "/\\evil.example", "\\\\evil.example"]


def stays_on_site(response) -> bool:
    location = response.get("Location", "")
    parts = urlsplit(location)
    return parts.netloc in {"", "testserver"} and not location.startswith(("//", "/\\", "\\"))


# One test a form, each trying every target: the demo takes seconds to load.
def test_sign_in_never_redirects_off_site(demo):
    for target in OFF_SITE:
        client = Client()
        response = client.post(
            "/accounts/login/",
            {
                "login": gmc_demo.ATTENDEE_EMAIL,
                "password": gmc_demo.DEMO_PASSWORD_ATTENDEE,
                "next": target,
            },
        )
        assert response.status_code == 302
        assert stays_on_site(response), response["Location"]
        assert "_auth_user_id" in client.session


def test_set_language_never_redirects_off_site(demo):
    for target in OFF_SITE:
        response = Client().post("/i18n/setlang/", {"language": "en", "next": target})
        assert response.status_code == 302
        assert stays_on_site(response), response["Location"]


def test_starring_never_redirects_off_site(demo):
    session = Session.objects.order_by("pk").first()
    client = client_for("attendee")
    for target, action in itertools.product(OFF_SITE, ("star", "unstar")):
        response = client.post(f"/agenda/session/{session.slug}/{action}/", {"next": target})
        assert response.status_code == 302
        assert stays_on_site(response), response["Location"]


def test_starring_with_a_bare_word_for_next_goes_back_to_the_session(demo):
    """redirect() takes a bare word for a URL name: it gave a 500 (NoReverseMatch)."""
    session = Session.objects.order_by("pk").first()
    client = client_for("attendee")
    for target, action in itertools.product(["agenda", "not a url"], ("star", "unstar")):
        response = client.post(f"/agenda/session/{session.slug}/{action}/", {"next": target})
        assert response.status_code == 302
        assert response["Location"] == session.get_absolute_url()


def test_a_superscript_digit_for_year_shows_the_current_edition(demo):
    """The year is read with isdigit(), true for "²", which int() refuses: these pages
    gave a 500 (ValueError)."""
    client = client_for("organiser")
    for page in ("/checkin/", "/organisers/stats/"):
        response = client.get(page, {"year": "²"})
        assert response.status_code == 200
        assert response.context["edition"] == current_edition()


# --- The project's own admin code (filters, the session form's zone) -----------------------


def test_session_admin_filters_take_junk(demo):
    """The day and room filters read edition__id__exact and room with isdigit(), which
    accepts "²": the change list gave a 500 (ValueError)."""
    client = client_for("organiser")
    for query in (
        "edition__id__exact=²",
        "room=²",
        "day=²",
        "day=2026-02-30",
        "edition__id__exact=99999999999999999999",
        "room=99999999999999999999",
    ):
        assert client.get(f"/admin/agenda/session/?{query}").status_code < 500, query


def test_session_admin_form_takes_a_junk_edition(demo):
    client = client_for("organiser")
    assert client.get("/admin/agenda/session/add/", {"edition": "²"}).status_code == 200
    response = client.post("/admin/agenda/session/add/", {"edition": "²"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["edition"]


OUR_APPS = {"gmc", "registration", "agenda", "declarations"}
ADMIN_JUNK = [
    {"q": "\x00", "o": "abc", "p": "-1", "e": "x"},
    {
        "edition__id__exact": "²",
        "edition__id": "abc",
        "day": "²",
        "room": "²",
        "call": "²",
        "topic": "²",
        "checked_in": "²",
        "country": "ZZ",
        "status__exact": "nonsense",
        "attendance__exact": "nonsense",
    },
    {"edition__id__exact": "abc", "call": "99999999999999999999", "topic": "abc", "p": "999"},
]


def admin_junk(fields: dict[str, dict]) -> list[dict]:
    """The junk forms for the admin, less those with a junk id in a select: Django's own
    autocomplete widget fails to render one (ValueError), which is Django's to fix."""
    variants = junk_posts(fields)
    if not fields:
        return variants
    empty, _random, oversized, numbers, _bad_choices, *malformed_files = variants
    return [empty, oversized, numbers, *malformed_files]


def test_our_admin_pages_take_junk(demo):
    """The change lists, forms, actions and exports of the project's own models, as an
    organiser, with junk filters, junk forms and every action on the first row."""
    from django.contrib import admin

    client = client_for("organiser")
    recorder = Recorder()
    try:
        for model, model_admin in admin.site._registry.items():
            meta = model._meta
            if meta.app_label not in OUR_APPS:
                continue
            base = f"/admin/{meta.app_label}/{meta.model_name}/"
            for query in ADMIN_JUNK:
                recorder.request(client, "organiser", "GET", base, query)
            for fmt in ("csv", "xlsx", "nonsense"):
                if meta.model_name == "registration":
                    for query in ADMIN_JUNK:
                        recorder.request(client, "organiser", "GET", f"{base}export/{fmt}/", query)
            add = recorder.request(client, "organiser", "GET", f"{base}add/")
            for data in admin_junk(post_forms(f"{base}add/", add).get(f"{base}add/", {})):
                recorder.request(client, "organiser", "POST", f"{base}add/", data)
            first = model.objects.order_by("pk").values_list("pk", flat=True).first()
            if first is None:
                continue
            change = f"{base}{first}/change/"
            page = recorder.request(client, "organiser", "GET", change)
            for data in admin_junk(post_forms(change, page).get(change, {})):
                recorder.request(client, "organiser", "POST", change, data)
            for action in model_admin.get_actions(_admin_request(client)):
                for extra in (
                    {},
                    {"apply": "1", "minutes": "abc"},
                    {"apply": "1", "minutes": "9" * 20},
                ):
                    recorder.request(
                        client,
                        "organiser",
                        "POST",
                        base,
                        {"action": action, "_selected_action": [str(first)], **extra},
                    )
    finally:
        recorder.close()
    assert not recorder.failures, "\n".join(recorder.failures)


def _admin_request(client: Client):
    """A request as the signed-in organiser, to ask a ModelAdmin which actions it offers."""
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = User.objects.get(pk=client.session["_auth_user_id"])
    return request


def test_registration_export_with_a_filter_it_cannot_read_goes_back_to_the_list(demo):
    """The export read the list's filters without the list's guard: a 500
    (IncorrectLookupParameters)."""
    client = client_for("organiser")
    for fmt in ("csv", "xlsx"):
        response = client.get(
            f"/admin/registration/registration/export/{fmt}/", {"edition__id__exact": "abc"}
        )
        assert response.status_code == 302
        assert response["Location"] == "/admin/registration/registration/?e=1"
    good = client.get("/admin/registration/registration/export/csv/")
    assert good.status_code == 200


def test_submission_filters_with_an_unreadable_id_match_nothing(demo):
    """The call and topic filters put the raw value in a query: a 500 (ValueError)."""
    client = client_for("organiser")
    for query in ({"call": "²"}, {"call": "abc"}, {"topic": "abc"}):
        response = client.get("/admin/declarations/submission/", query)
        assert response.status_code == 200
        assert response.context["cl"].result_count == 0


def test_saving_a_submission_in_the_admin_keeps_the_notes(demo):
    """The change message read the answers formset's new_objects, which only saving the
    formset sets: every save gave a 500 (AttributeError)."""
    from declarations.models import Submission

    submission = Submission.objects.filter(answers__isnull=False).order_by("pk").first()
    url = f"/admin/declarations/submission/{submission.pk}/change/"
    client = client_for("organiser")
    page = client.get(url).content.decode()
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    hidden.pop("csrfmiddlewaretoken", None)
    response = client.post(url, {**hidden, "internal_notes": "Strong case.", "_save": "1"})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.internal_notes == "Strong case."
