"""Demo data of the conference series: editions 2020-2026, the organisations and the
alliance, publications, news, and two accounts to try the portal with.

Facts come from the public record of the conference (names, dates, themes, numbers);
the prose is the portal's own. What is not on record is left empty: most dates of
2021-2023, the organisers of 2021-2024 and 2026, the working language of every edition
but 2025. The 2026 edition needs dates, deadlines and seats to show registration: those
are sample values, in 2026 and relative to the day of loading, marked provisional and
called sample data on the edition's page. Every row is updated or created by a natural
key, so loading twice on the same day changes nothing.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import timezone

from gmc.demo_loading import demo_loader
from gmc.models import (
    AllianceMember,
    Edition,
    NewsArticle,
    Organisation,
    OrganisationType,
    Publication,
    ReminderRule,
    User,
)
from gmc.permissions import ORGANISERS_GROUP, sync_organiser_group

U, P, R = OrganisationType.UNIVERSITY, OrganisationType.PLATFORM, OrganisationType.RESEARCH

# (name, short name, slug, type, country, website, year joined or None when not on record)
ALLIANCE = [
    ("Cornell University", "Cornell", "cornell", U, "US", "https://www.cornell.edu/", None),
    (
        "Learning Planet Institute",
        "LPI",
        "learning-planet-institute",
        R,
        "FR",
        "https://www.learningplanetinstitute.org/",
        None,
    ),
    ("edX", "edX", "edx", P, "US", "https://www.edx.org/", None),
    (
        "Mongolian University of Science and Technology",
        "MUST",
        "must",
        U,
        "MN",
        "https://www.must.edu.mn/",
        None,
    ),
    ("Nanyang Technological University", "NTU", "ntu", U, "SG", "https://www.ntu.edu.sg/", None),
    ("Peking University", "PKU", "pku", U, "CN", "https://www.pku.edu.cn/", None),
    ("Politecnico di Milano", "PoliMi", "polimi", U, "IT", "https://www.polimi.it/", None),
    (
        "RWTH Aachen University",
        "RWTH",
        "rwth-aachen",
        U,
        "DE",
        "https://www.rwth-aachen.de/",
        None,
    ),
    ("Saint Petersburg University", "SPbU", "spbu", U, "RU", "https://english.spbu.ru/", None),
    ("Shanghai Jiao Tong University", "SJTU", "sjtu", U, "CN", "https://www.sjtu.edu.cn/", None),
    ("Thai MOOC", "Thai MOOC", "thai-mooc", P, "TH", "https://thaimooc.org/", None),
    ("Tsinghua University", "Tsinghua", "tsinghua", U, "CN", "https://www.tsinghua.edu.cn/", None),
    (
        "University of Auckland",
        "Auckland",
        "auckland",
        U,
        "NZ",
        "https://www.auckland.ac.nz/",
        None,
    ),
    ("University of Chile", "UChile", "uchile", U, "CL", "https://uchile.cl/", None),
    (
        "University of Manchester",
        "Manchester",
        "manchester",
        U,
        "GB",
        "https://www.manchester.ac.uk/",
        None,
    ),
    ("University of Nairobi", "UoN", "nairobi", U, "KE", "https://www.uonbi.ac.ke/", None),
    ("XuetangX", "XuetangX", "xuetangx", P, "CN", "https://www.xuetangx.com/", None),
    ("Zhejiang University", "ZJU", "zju", U, "CN", "https://www.zju.edu.cn/", None),
    ("FutureLearn", "FutureLearn", "futurelearn", P, "GB", "https://www.futurelearn.com/", None),
    (
        "Indonesia Cyber Education Institute",
        "ICE Institute",
        "ice-institute",
        P,
        "ID",
        "",
        None,
    ),
    (
        "National Autonomous University of Mexico",
        "UNAM",
        "unam",
        U,
        "MX",
        "https://www.unam.mx/",
        None,
    ),
    ("Edraak", "Edraak", "edraak", P, "JO", "https://www.edraak.org/", None),
    ("Tecnológico de Monterrey", "Tec", "tec-monterrey", U, "MX", "https://tec.mx/", None),
    # Welcomed as new members at the 2025 conference.
    (
        "Vietnam National University, Hanoi",
        "VNU",
        "vnu-hanoi",
        U,
        "VN",
        "https://vnu.edu.vn/",
        2025,
    ),
    (
        "Universidade Federal do Rio de Janeiro",
        "UFRJ",
        "ufrj",
        U,
        "BR",
        "https://ufrj.br/",
        2025,
    ),
]

# Organisations that host or organise editions without being members.
OTHER_ORGANISATIONS = [
    (
        "Global MOOC and Online Education Alliance",
        "GMA",
        "gma",
        OrganisationType.OTHER,
        "",
        "",
    ),
    (
        "UNESCO Institute for Information Technologies in Education",
        "UNESCO IITE",
        "unesco-iite",
        OrganisationType.INTERNATIONAL,
        "",
        "https://iite.unesco.org/",
    ),
    (
        "Queen Mary University of London",
        "QMUL",
        "qmul",
        OrganisationType.UNIVERSITY,
        "GB",
        "https://www.qmul.ac.uk/",
    ),
]

# Known passwords, printed by load_demo; never created on a production site (see load).
DEMO_PASSWORD_ORGANISER = "gmc-organiser-demo"  # noqa: S105
DEMO_PASSWORD_ATTENDEE = "gmc-attendee-demo"  # noqa: S105
ORGANISER_EMAIL = "organiser@gmc.localhost"
ATTENDEE_EMAIL = "attendee@gmc.localhost"
# A development address: organisers put the secretariat's real one in the admin.
CONTACT_EMAIL = "secretariat@gmc.localhost"


def _at(day: date, hour: int, minute: int, zone: str) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(zone))


def _lines(*paragraphs: str) -> str:
    return "\n\n".join(paragraphs)


def load_organisations() -> dict[str, Organisation]:
    organisations = {}
    for name, short, slug, kind, country, website, year in ALLIANCE:
        organisation, _ = Organisation.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "short_name": short,
                "type": kind,
                "country": country,
                "website": website,
            },
        )
        AllianceMember.objects.update_or_create(
            organisation=organisation, defaults={"year_joined": year, "is_active": True}
        )
        organisations[slug] = organisation
    for name, short, slug, kind, country, website in OTHER_ORGANISATIONS:
        organisation, _ = Organisation.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "short_name": short,
                "type": kind,
                "country": country,
                "website": website,
            },
        )
        organisations[slug] = organisation
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


def edition_rows(today: date) -> list[dict]:
    beijing, mexico = "Asia/Shanghai", "America/Mexico_City"
    return [
        {
            "year": 2020,
            "title": "Global MOOC Conference 2020",
            "theme": "Learning Revolution and Higher Education Transformation",
            "start_date": date(2020, 12, 11),
            "end_date": date(2020, 12, 11),
            "time_zone": beijing,
            "format": Edition.Format.ONLINE,
            "city": "Beijing",
            "country": "CN",
            "opening_at": _at(date(2020, 12, 11), 20, 0, beijing),
            "closing_at": _at(date(2020, 12, 11), 22, 30, beijing),
            "registration_closes_at": _at(date(2020, 11, 30), 0, 0, beijing),
            "declaration_deadline": _at(date(2020, 11, 30), 0, 0, beijing),
            "summary": _lines(
                "The first conference met online on the evening of 11 December 2020, "
                "Beijing time, hosted by Tsinghua University with UNESCO IITE, after a "
                "year in which universities everywhere had moved their teaching online."
            ),
            "background": _lines(
                "The pandemic turned higher education into a worldwide experiment in "
                "online teaching. MOOCs, open educational resources and other online "
                "tools kept courses running while campuses were closed, and "
                "international organisations such as UNESCO worked to keep learning "
                "going across borders.",
                "The conference asked what this experience meant for the future of "
                "universities and how to build on it together.",
            ),
            "aims": _lines(
                "Share good practices and resources in MOOCs and online education.",
                "Look at how technology shapes the future of higher education.",
                "Encourage international cooperation on educational technology.",
                "Raise awareness of inclusion and equity in education, towards SDG 4.",
            ),
            "expected_outcomes": _lines(
                "The launch of an alliance of universities and platforms, and a "
                "declaration on MOOC development drafted with participants' input."
            ),
            "outcomes": _lines(
                "Participants' input, collected before 30 November on four guided topics, "
                "was compiled into the Beijing Declaration on MOOC Development, and the "
                "Global MOOC and Online Education Alliance was launched."
            ),
            "target_audience": _lines(
                "University leaders, teachers, researchers and online-platform experts "
                "from every region. Registration was free."
            ),
            "hosts": ["tsinghua", "unesco-iite"],
            "co_organisers": [],
        },
        {
            "year": 2021,
            "title": "Global MOOC and Online Education Conference 2021",
            "theme": (
                "Together for a Shared Future - Leading Higher Education Innovation "
                "in the New Digital Era"
            ),
            "time_zone": "UTC",
            "summary": _lines(
                "The second edition put international collaboration first: building open, "
                "high-quality online learning together."
            ),
            "hosts": [],
            "co_organisers": [],
        },
        {
            "year": 2022,
            "title": "Global MOOC and Online Education Conference 2022",
            "theme": "Digital Transformation of Education for the Future",
            "time_zone": "UTC",
            "summary": _lines(
                "The 2022 edition turned to the digital transformation of higher "
                "education as a whole."
            ),
            "outcomes": _lines(
                "The report “Unlimited Possibilities: Global Report on the Digitalization "
                "of Higher Education” was released, describing global trends and a first "
                "framework for judging how ready universities are for digital change."
            ),
            "hosts": [],
            "co_organisers": [],
        },
        {
            "year": 2023,
            "title": "Global MOOC and Online Education Conference 2023",
            "theme": (
                "Reconstruction of Future Universities and Education Driven by "
                "Artificial Intelligence"
            ),
            "time_zone": "Europe/Rome",
            "format": Edition.Format.IN_PERSON,
            "venue": "Politecnico di Milano",
            "city": "Milan",
            "country": "IT",
            "summary": _lines(
                "Hosted by Politecnico di Milano, the 2023 edition placed artificial "
                "intelligence at the centre of the discussion on higher education."
            ),
            "outcomes": _lines(
                "The Digital Development Index of Global Higher Education 2023 was "
                "launched, a step towards measuring digital change with data."
            ),
            "hosts": ["polimi"],
            "co_organisers": [],
        },
        {
            "year": 2024,
            "title": "Global MOOC and Online Education Conference 2024",
            "theme": "Reimagining the Future of Higher Education in the Intelligence Era",
            "start_date": date(2024, 12, 11),
            "end_date": date(2024, 12, 13),
            "time_zone": "Europe/London",
            "format": Edition.Format.IN_PERSON,
            "venue": "Queen Mary University of London",
            "city": "London",
            "country": "GB",
            "summary": _lines(
                "Queen Mary University of London hosted the 2024 edition from 11 to 13 December."
            ),
            "outcomes": _lines(
                "More than 340 participants and speakers took part, from 135 universities, "
                "online platforms, international organisations and government agencies in "
                "32 countries and regions."
            ),
            "hosts": ["qmul"],
            "co_organisers": [],
        },
        {
            "year": 2025,
            "title": "Global MOOC and Online Education Conference 2025",
            "theme": (
                "Breaking Boundaries and Reshaping Futures: Open and Intelligent Global Education"
            ),
            "start_date": date(2025, 12, 2),
            "end_date": date(2025, 12, 4),
            "time_zone": mexico,
            "format": Edition.Format.IN_PERSON,
            "venue": "National Autonomous University of Mexico (UNAM)",
            "city": "Mexico City",
            "country": "MX",
            "capacity": 150,
            "working_language": "en",
            "opening_at": _at(date(2025, 12, 3), 9, 20, mexico),
            "summary": _lines(
                "The 2025 edition met at UNAM in Mexico City from 2 to 4 December, "
                "co-hosted by Tsinghua University and UNAM. It asked how artificial "
                "intelligence can help build open, inclusive and resilient higher "
                "education, in the spirit of the 2020 Beijing Declaration."
            ),
            "background": _lines(
                "Generative AI is changing how knowledge is produced, taught and "
                "assessed. It opens the way to personal learning and intelligent "
                "tutoring, and raises questions of teaching, ethics and governance that "
                "no country or university can answer alone.",
                "The international agenda frames the discussion: SDG 4 and Education "
                "2030, UNESCO's Recommendation on the Ethics of AI, its meeting of "
                "education ministers on generative AI in 2023 and its Digital Learning "
                "Weeks.",
            ),
            "aims": _lines(
                "Renew teaching, learning and the development of educators with digital "
                "and intelligent tools, together with industry.",
                "Grow open, lasting knowledge ecosystems with fair access to good "
                "digital resources.",
                "Govern AI in education ethically and responsibly, so learners can trust "
                "it and keep their agency.",
                "Advance quality, equity and lifelong learning in higher education.",
                "Deepen international cooperation towards a shared future of learning.",
            ),
            "expected_outcomes": _lines(
                "A declaration calling for joint action on the digital and intelligent "
                "transformation of education.",
                "Reports and frameworks that give benchmarks for higher education.",
                "Joint initiatives and research on AI in teaching, and new partnerships "
                "across sectors.",
                "Stronger ties among alliance members, platforms and international and "
                "regional partners.",
            ),
            "outcomes": _lines(
                "More than 180 representatives of 76 universities, platforms, international "
                "organisations and government agencies from 34 countries and regions "
                "attended.",
                "The conference adopted the Mexico City Declaration, introduced the idea of "
                "“Intelligent MOOCs”, released the 2025 report and index on the digital "
                "development of higher education, and announced that Vietnam National "
                "University, Hanoi will co-host the 2026 edition.",
            ),
            "target_audience": _lines(
                "Leaders, teachers, researchers, experts, policy makers and practitioners "
                "in MOOCs, online education and AI. About 150 people were expected in "
                "person."
            ),
            "hosts": ["tsinghua", "unam"],
            "co_organisers": ["gma", "unesco-iite"],
        },
        {
            "year": 2026,
            "title": "Global MOOC and Online Education Conference 2026",
            "theme": "",
            "time_zone": "Asia/Ho_Chi_Minh",
            "format": Edition.Format.IN_PERSON,
            "city": "Hanoi",
            "country": "VN",
            # A sample seat limit, for the waiting list (registration/demo.py).
            "capacity": 150,
            "contact_email": CONTACT_EMAIL,
            "is_current": True,
            **_provisional_2026(today),
            "summary": _lines(
                "The 2026 edition will be co-hosted by Vietnam National University, Hanoi, "
                "as decided at the alliance's board meeting during the 2025 conference in "
                "Mexico City. Its theme, dates and venue have not been announced yet.",
                "Sample data: the dates, deadlines and number of seats shown for 2026 are "
                "sample values of this demonstration site, not announced ones.",
            ),
            "background": _lines(
                "Each edition builds on the last. Since the Beijing Declaration of 2020 "
                "the conference has followed how digital technology, and now artificial "
                "intelligence, changes higher education, and the Mexico City Declaration "
                "of 2025 called for joint action on open and intelligent education."
            ),
            "target_audience": _lines(
                "Leaders, teachers, researchers, experts, policy makers and practitioners "
                "from universities, online platforms, international organisations and "
                "government agencies. Registration is free and closes at the deadline."
            ),
            "hosts": ["vnu-hanoi"],
            "co_organisers": [],
        },
    ]


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
    # On record for 2025 only (its concept note); the other editions leave it empty.
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
    rows = [
        (
            "beijing-declaration-2020",
            2020,
            "Beijing Declaration on MOOC Development",
            Publication.Kind.DECLARATION,
            date(2020, 12, 11),
            _lines(
                "The outcome document of the first conference, compiled from the input "
                "participants sent before it. It calls on UN agencies, international and "
                "regional organisations, governments, universities and online-education "
                "providers to work together more closely, improve the infrastructure "
                "online learning depends on, and open up and share online educational "
                "resources."
            ),
        ),
        (
            "unlimited-possibilities-2022",
            2022,
            "Unlimited Possibilities: Global Report on the Digitalization of Higher Education",
            Publication.Kind.REPORT,
            None,
            _lines(
                "A survey of how higher education is going digital around the world, with "
                "a first framework for assessing how ready institutions are."
            ),
        ),
        (
            "digital-development-index-2023",
            2023,
            "Digital Development Index of Global Higher Education 2023",
            Publication.Kind.INDEX,
            None,
            _lines(
                "Launched at the 2023 conference to measure the digital development of "
                "higher education with data."
            ),
        ),
        (
            "infinite-possibilities-report-2025",
            2025,
            "Infinite Possibilities: Digital Development Report of Global Higher Education 2025",
            Publication.Kind.REPORT,
            date(2025, 12, 3),
            _lines(
                "Released at the opening ceremony in Mexico City: the 2025 account of how "
                "higher education around the world is developing digitally."
            ),
        ),
        (
            "digital-development-index-2025",
            2025,
            "Digital Development Index of Global Higher Education 2025",
            Publication.Kind.INDEX,
            date(2025, 12, 3),
            _lines(
                "Released with the 2025 report: the index that compares the digital "
                "development of higher education across countries."
            ),
        ),
        (
            "mexico-city-declaration-2025",
            2025,
            "Mexico City Declaration",
            Publication.Kind.DECLARATION,
            date(2025, 12, 3),
            _lines(
                "Released at the opening ceremony of the 2025 conference on 3 December, "
                "the declaration calls for joint action on "
                "the digital and intelligent transformation of education, centred on "
                "learners, equity, quality and shared responsibility, and introduces the "
                "idea of “Intelligent MOOCs”."
            ),
        ),
    ]
    for slug, year, title, kind, published_on, summary in rows:
        Publication.objects.update_or_create(
            slug=slug,
            defaults={
                "edition": editions[year],
                "title": title,
                "kind": kind,
                "published_on": published_on,
                "summary": summary,
            },
        )


def load_news(editions: dict[int, Edition], today: date) -> None:
    mexico, hanoi = "America/Mexico_City", "Asia/Ho_Chi_Minh"
    rows = [
        (
            "reports-released-mexico-city-2025",
            2025,
            "2025 report and index on digital higher education released",
            "The report and the index on the digital development of higher education were "
            "released at the opening of the Mexico City conference.",
            _lines(
                "At the opening ceremony on 3 December, leaders of Tsinghua University, "
                "UNAM and UNESCO IITE jointly released “Infinite Possibilities: Digital "
                "Development Report of Global Higher Education 2025” together with the "
                "Digital Development Index of Global Higher Education 2025.",
                "Both continue the series of reports and indexes the conference has "
                "published since 2022.",
            ),
            _at(date(2025, 12, 3), 13, 0, mexico),
            NewsArticle.Status.PUBLISHED,
        ),
        (
            "mexico-city-declaration-adopted",
            2025,
            "The Mexico City Declaration is released",
            "The Mexico City Declaration was released at the opening ceremony on "
            "3 December, with the idea of “Intelligent MOOCs”.",
            _lines(
                "The Mexico City Declaration was released at the opening ceremony of the "
                "2025 conference at UNAM, on the morning of 3 December. More than 180 "
                "representatives of 76 institutions from 34 countries and regions took "
                "part in the conference, from 2 to 4 December 2025.",
                "The declaration builds on the Beijing Declaration of 2020. It asks "
                "universities, platforms, governments and international organisations to "
                "act together on the digital and intelligent transformation of education, "
                "with learners, equity and quality at the centre.",
            ),
            _at(date(2025, 12, 3), 12, 30, mexico),
            NewsArticle.Status.PUBLISHED,
        ),
        (
            "two-new-alliance-members-2025",
            2025,
            "Two universities join the alliance",
            "Vietnam National University, Hanoi and the Federal University of Rio de Janeiro "
            "are the alliance's newest members.",
            _lines(
                "The two universities were welcomed into the Global MOOC and Online "
                "Education Alliance at the opening of the 2025 conference. The alliance "
                "now counts 25 members: 18 universities, 6 online-learning platforms and "
                "a research institute, from 18 countries.",
            ),
            _at(date(2025, 12, 3), 14, 0, mexico),
            NewsArticle.Status.PUBLISHED,
        ),
        (
            "hanoi-to-co-host-2026",
            2026,
            "Hanoi to co-host the 2026 conference",
            "Vietnam National University, Hanoi will co-host the next edition of the conference.",
            _lines(
                "The host of the 2026 conference was announced in Mexico City, and the "
                "alliance's board meeting determined that Vietnam National University, "
                "Hanoi will co-host it.",
                "Dates, theme and venue have not been announced.",
            ),
            _at(date(2025, 12, 3), 15, 0, mexico),
            NewsArticle.Status.PUBLISHED,
        ),
        (
            "registration-open-2026",
            2026,
            "Registration for 2026 is open (sample)",
            "Sample news of this demonstration site: registration for 2026 is open and free.",
            _lines(
                "Sample news of this demonstration site, written to show how news looks: "
                "registration for 2026 has not been announced.",
                "Registration is free and closes at the deadline shown on the home page, "
                "where you can also see how long is left. Registered participants can "
                "send their input for the conference declaration before the same deadline.",
            ),
            _at(today - timedelta(days=7), 9, 0, hanoi),
            NewsArticle.Status.PUBLISHED,
        ),
        (
            "provisional-programme-2026",
            2026,
            "A first look at the 2026 programme (sample)",
            "A sample draft: the 2026 programme has not been announced.",
            _lines(
                "A sample draft of this demonstration site, to show how organisers prepare "
                "news before publishing it. The sessions listed for 2026 are samples too: "
                "titles and speakers will be added once the organisers announce them."
            ),
            _at(today, 9, 0, hanoi),
            NewsArticle.Status.DRAFT,
        ),
    ]
    for slug, year, title, summary, body, published_at, status in rows:
        NewsArticle.objects.update_or_create(
            slug=slug,
            defaults={
                "edition": editions[year],
                "title": title,
                "summary": summary,
                "body": body,
                "published_at": published_at,
                "status": status,
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


# (name, event, offset, audience, attendance, email): the reminders of a conference.
REMINDER_RULES = [
    (
        "Registration closes in a week",
        ReminderRule.Event.REGISTRATION_CLOSES,
        timedelta(days=7),
        ReminderRule.Audience.NOT_REGISTERED,
        "",
        "reminders.registration_closing",
    ),
    (
        "Registration closes tomorrow",
        ReminderRule.Event.REGISTRATION_CLOSES,
        timedelta(days=1),
        ReminderRule.Audience.NOT_REGISTERED,
        "",
        "reminders.registration_closing",
    ),
    (
        "Declaration input closes in a week",
        ReminderRule.Event.DECLARATION_CLOSES,
        timedelta(days=7),
        ReminderRule.Audience.WITHOUT_SUBMISSION,
        "",
        "reminders.declaration_closing",
    ),
    (
        "Declaration draft not sent, closes tomorrow",
        ReminderRule.Event.DECLARATION_CLOSES,
        timedelta(days=1),
        ReminderRule.Audience.WITH_DRAFT,
        "",
        "reminders.declaration_closing",
    ),
    (
        "The conference starts tomorrow",
        ReminderRule.Event.CONFERENCE_STARTS,
        timedelta(days=1),
        ReminderRule.Audience.CONFIRMED,
        "",
        "reminders.conference_starting",
    ),
    (
        "Online: the conference starts in an hour",
        ReminderRule.Event.CONFERENCE_STARTS,
        timedelta(hours=1),
        ReminderRule.Audience.CONFIRMED,
        ReminderRule.Attendance.ONLINE,
        "reminders.conference_starting",
    ),
    (
        "Online: a starred session starts in 15 minutes",
        ReminderRule.Event.SESSION_STARTS,
        timedelta(minutes=15),
        ReminderRule.Audience.STARRED,
        ReminderRule.Attendance.ONLINE,
        "reminders.session_starting",
    ),
]


def load_reminder_rules(editions: dict[int, Edition]) -> int:
    """The same reminders for 2025 and the current edition, keyed by (edition, name)."""
    count = 0
    for year in (2025, 2026):
        for name, event, offset, audience, attendance, kind in REMINDER_RULES:
            ReminderRule.objects.update_or_create(
                edition=editions[year],
                name=name,
                defaults={
                    "event": event,
                    "offset": offset,
                    "audience": audience,
                    "attendance": attendance,
                    "kind": kind,
                    "is_active": True,
                },
            )
            count += 1
    return count


@demo_loader("gmc")
def load(stdout) -> None:
    today = timezone.localdate(timezone=ZoneInfo("Asia/Ho_Chi_Minh"))
    organisations = load_organisations()
    editions = load_editions(organisations, today)
    load_publications(editions)
    load_news(editions, today)
    load_reminder_rules(editions)
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
