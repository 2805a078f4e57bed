"""Demo data of the conference series: editions 2020-2026, the organisations and the
alliance, publications, news, and two accounts to try the portal with.

Facts come from the public record of the conference (names, dates, themes, numbers);
the prose is the portal's own. What is not on record is left empty: most dates of
2021-2023, the organisers of 2021-2024 and 2026, the working language of every edition
but 2025. The 2026 edition needs dates, deadlines and seats to show registration: those
are sample values, in 2026 and relative to the day of loading, marked provisional and
called sample data on the edition's page. Every row is updated or created by a natural
key, so loading twice on the same day changes nothing.

The data is in gmc/demo_data/*.toml; this module turns it into rows.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import timezone

from gmc.demo_loading import demo_loader, prose, read_demo_data, translated_texts
from gmc.models import (
    AllianceMember,
    Edition,
    NewsArticle,
    Organisation,
    OrganisationType,
    Publication,
    User,
)
from gmc.permissions import ORGANISERS_GROUP, sync_organiser_group

# Known passwords, printed by load_demo; never created on a production site (see load).
DEMO_PASSWORD_ORGANISER = "gmc-organiser-demo"  # noqa: S105
DEMO_PASSWORD_ATTENDEE = "gmc-attendee-demo"  # noqa: S105
ORGANISER_EMAIL = "organiser@gmc.localhost"
ATTENDEE_EMAIL = "attendee@gmc.localhost"


def _at(day: date, hour: int, minute: int, zone: str) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(zone))


def _data(name: str) -> dict:
    return read_demo_data("gmc", name)


def _organisation(row: dict) -> Organisation:
    organisation, _ = Organisation.objects.update_or_create(
        slug=row["slug"],
        defaults={
            "name": row["name"],
            "short_name": row["short_name"],
            "type": OrganisationType(row["type"]),
            "country": row["country"],
            "website": row["website"],
        },
    )
    return organisation


def load_organisations() -> dict[str, Organisation]:
    """The alliance's members, then the other organisers, from organisations.toml."""
    data = _data("organisations")
    organisations = {}
    for row in data["member"]:
        organisation = _organisation(row)
        AllianceMember.objects.update_or_create(
            organisation=organisation,
            defaults={
                "year_joined": row.get("year_joined"),
                "is_active": True,
                "description": prose(row.get("description", "")),
                **translated_texts(row, ["description"]),
            },
        )
        organisations[organisation.slug] = organisation
    for row in data["other"]:
        organisations[row["slug"]] = _organisation(row)
    return organisations


# The record says only that Hanoi hosts the conference in 2026: the sample dates stay
# in that year, three days from 29 December at the latest.
FIRST_START_2026, LAST_START_2026 = date(2026, 1, 1), date(2026, 12, 29)


def _provisional_2026(today: date) -> dict:
    """Sample dates of 2026 relative to the day the demo is loaded, so that registration
    is open when a newcomer tries the portal; whole days in Hanoi time so that loading
    again the same day writes the same values. Never outside 2026: loaded late in the
    year, registration has less time left; loaded after 2026, the edition is past."""
    zone = "Asia/Ho_Chi_Minh"
    start = min(max(today + timedelta(days=35), FIRST_START_2026), LAST_START_2026)
    closes = min(today + timedelta(days=21), start - timedelta(days=1))
    opens = min(today - timedelta(days=7), closes - timedelta(days=28))
    return {
        "start_date": start,
        "end_date": start + timedelta(days=2),
        "dates_provisional": True,
        "registration_opens_at": _at(opens, 0, 0, zone),
        "registration_closes_at": _at(closes, 23, 59, zone),
        "declaration_deadline": _at(closes, 23, 59, zone),
    }


# The fields of editions.toml written as wrapped paragraphs.
EDITION_PROSE = {
    "summary",
    "background",
    "aims",
    "expected_outcomes",
    "outcomes",
    "target_audience",
}


def edition_rows(today: date) -> list[dict]:
    """The fields of each edition in editions.toml, with the slugs of its hosts and
    co-organisers: local date-times in the edition's zone, prose unwrapped, and sample
    dates, where the file asks for them, relative to ``today``."""
    rows = []
    for row in _data("editions")["edition"]:
        zone = ZoneInfo(row["time_zone"])
        fields = translated_texts(row, EDITION_PROSE)
        for key, value in row.items():
            if key == "translations":
                continue
            if isinstance(value, datetime):
                value = value.replace(tzinfo=zone)
            elif key in EDITION_PROSE:
                value = prose(value)
            fields[key] = value
        if "format" in fields:
            fields["format"] = Edition.Format(fields["format"])
        if fields.pop("sample_dates", False):
            fields.update(_provisional_2026(today))
        rows.append(fields)
    return rows


EDITION_DEFAULTS = {
    "theme": "",
    "start_date": None,
    "end_date": None,
    "dates_provisional": False,
    "format": Edition.Format.IN_PERSON,
    "venue": "",
    "city": "",
    "country": "",
    "opening_at": None,
    "closing_at": None,
    "registration_opens_at": None,
    "registration_closes_at": None,
    "declaration_deadline": None,
    "capacity": None,
    # On record for 2025 only (its concept note); the other editions leave it empty. 2025's
    # interpretation languages are sample values (see editions.toml).
    "working_language": "",
    "interpretation_languages": [],
    "contact_email": "",
    "summary": "",
    "background": "",
    "aims": "",
    "expected_outcomes": "",
    "outcomes": "",
    "target_audience": "",
    "is_current": False,
    "is_published": True,
}


def load_editions(organisations: dict[str, Organisation], today: date) -> dict[int, Edition]:
    rows = edition_rows(today)
    # Only one edition may be current: clear the flag before setting it on 2026.
    Edition.objects.filter(is_current=True).exclude(year=2026).update(is_current=False)
    editions = {}
    for row in rows:
        hosts = [organisations[slug] for slug in row.pop("hosts")]
        co_organisers = [organisations[slug] for slug in row.pop("co_organisers")]
        year = row.pop("year")
        edition, _ = Edition.objects.update_or_create(
            year=year, defaults={**EDITION_DEFAULTS, **row}
        )
        edition.hosts.set(hosts)
        edition.co_organisers.set(co_organisers)
        editions[year] = edition
    return editions


def load_publications(editions: dict[int, Edition]) -> None:
    for row in _data("publications")["publication"]:
        Publication.objects.update_or_create(
            slug=row["slug"],
            defaults={
                "edition": editions[row["edition"]],
                "title": row["title"],
                "kind": Publication.Kind(row["kind"]),
                "published_on": row.get("published_on"),
                "summary": prose(row["summary"]),
            },
        )


def _published_at(row: dict, today: date) -> datetime:
    """When a news item is dated: as on record, or, for sample news, a number of days
    before the day of loading."""
    zone = ZoneInfo(row["time_zone"])
    if "published_at" in row:
        return row["published_at"].replace(tzinfo=zone)
    day = today - timedelta(days=row["published_days_before_loading"])
    return datetime.combine(day, row["published_time"], tzinfo=zone)


def load_news(editions: dict[int, Edition], today: date) -> None:
    for row in _data("news")["news"]:
        NewsArticle.objects.update_or_create(
            slug=row["slug"],
            defaults={
                "edition": editions[row["edition"]],
                "title": row["title"],
                "summary": prose(row["summary"]),
                "body": prose(row["body"]),
                "published_at": _published_at(row, today),
                "status": NewsArticle.Status(row["status"]),
            },
        )


def _account(email: str, password: str, **fields) -> User:
    user, _ = User.objects.update_or_create(email=email, defaults=fields)
    # Hashing again would change the row on every load; only set it when it differs.
    if not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
    # Marked verified so the account can log in although verification is mandatory.
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def load_accounts(organisations: dict[str, Organisation]) -> tuple[User, User]:
    organiser = _account(
        ORGANISER_EMAIL,
        DEMO_PASSWORD_ORGANISER,
        full_name="Demo Organiser",
        is_staff=True,
        is_superuser=False,
        organisation=organisations["gma"],
        organisation_name="Global MOOC and Online Education Alliance",
        organisation_type=OrganisationType.OTHER,
    )
    organiser.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
    attendee = _account(
        ATTENDEE_EMAIL,
        DEMO_PASSWORD_ATTENDEE,
        full_name="Demo Attendee",
        is_staff=False,
        is_superuser=False,
        job_title="Lecturer in online learning",
        organisation=organisations["nairobi"],
        organisation_name="University of Nairobi",
        organisation_type=OrganisationType.UNIVERSITY,
        country="KE",
    )
    return organiser, attendee


@demo_loader("gmc")
def load(stdout) -> None:
    today = timezone.localdate(timezone=ZoneInfo("Asia/Ho_Chi_Minh"))
    organisations = load_organisations()
    editions = load_editions(organisations, today)
    load_publications(editions)
    load_news(editions, today)
    sync_organiser_group()
    stdout.write(
        f"Conference: {len(editions)} editions (2026 current, sample dates), "
        f"{AllianceMember.objects.count()} alliance members, "
        f"{Publication.objects.count()} publications, {NewsArticle.objects.count()} news."
    )
    if settings.PRODUCTION:
        # Accounts with published passwords have no place on a public site.
        stdout.write("Production settings: no demo accounts created.")
        return
    load_accounts(organisations)
    stdout.write("Demo accounts (email verified):")
    stdout.write(
        f"  organiser (admin, not superuser): {ORGANISER_EMAIL} / {DEMO_PASSWORD_ORGANISER}"
    )
    stdout.write(f"  attendee: {ATTENDEE_EMAIL} / {DEMO_PASSWORD_ATTENDEE}")
