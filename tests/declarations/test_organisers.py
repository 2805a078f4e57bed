import csv
import io
import json
import zipfile
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from markdown_it import MarkdownIt
from openpyxl import load_workbook

from declarations import files, services
from declarations.models import Submission
from tests.declarations import samples
from tests.declarations.factories import (
    AnswerFactory,
    SubmissionFactory,
    TagFactory,
    answered,
    call_with_topics,
)
from tests.factories import UserFactory

SCRIPT = "<script>alert('owned')</script>"


def review_url(call, name="review", *args):
    return reverse(f"declarations:{name}", args=[call.edition.year, *args])


def attach(submission, name="report.pdf", content=samples.PDF):
    checked = files.check_upload(SimpleUploadedFile(name, content))
    return services.add_attachment(submission.pk, by=submission.contributor, upload=checked)


# --- who may read ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("review", []),
        ("compilation", []),
        ("publish", []),
        ("export", ["csv"]),
        ("export", ["xlsx"]),
        ("export", ["json"]),
        ("export", ["zip"]),
        ("export", ["md"]),
    ],
)
def test_organiser_pages_are_refused_to_everyone_else(client, call, participant, name, args):
    url = review_url(call, name, *args)
    assert client.get(url).status_code == 302  # anonymous: log in first
    client.force_login(participant)
    assert client.get(url).status_code == 403
    client.force_login(UserFactory(is_staff=True))
    assert client.get(url).status_code == 403


def test_review_page_shows_counts_and_one_topic_at_a_time(client, call, reviewer):
    first = answered(call, text="Kenya answer", country="KE", organisation_type="university")
    answered(call, text="Mexico answer", country="MX", organisation_type="platform")
    SubmissionFactory(call=call, status=Submission.Status.DRAFT, country="FR")
    services.add_tags([first.pk], [TagFactory(name="equity")], by=reviewer)
    topics = list(call.topics.all())
    client.force_login(reviewer)
    page = client.get(review_url(call), {"topic": topics[1].pk}).text
    assert "2 submissions sent." in page
    assert "Kenya" in page and "Mexico" in page
    assert "France" not in page  # drafts are not input yet
    assert "Online-learning platform" in page
    assert f"Kenya answer ({topics[1].title})" in page
    assert f"Kenya answer ({topics[0].title})" not in page
    assert "equity" in page


def test_review_page_query_count_does_not_grow_with_submissions(
    client, call, reviewer, django_assert_num_queries
):
    topic = call.topics.first()
    client.force_login(reviewer)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(review_url(call), {"topic": topic.pk}).status_code == 200
        return len(queries)

    for _ in range(2):
        answered(call).tags.add(TagFactory())
    small = count()
    for _ in range(8):
        answered(call).tags.add(TagFactory())
    with django_assert_num_queries(small):
        client.get(review_url(call), {"topic": topic.pk})


def test_csv_and_xlsx_have_a_column_per_topic_and_neutralise_formulas(client, call, reviewer):
    answered(call, text='=HYPERLINK("http://evil")')
    client.force_login(reviewer)
    titles = [t.title for t in call.topics.all()]
    response = client.get(review_url(call, "export", "csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][-4:] == titles
    assert len(rows) == 2
    assert all(cell.startswith("'=") for cell in rows[1][-4:])
    response = client.get(review_url(call, "export", "xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert list(values[0][-4:]) == titles
    assert all(str(cell).startswith("'=") for cell in values[1][-4:])
    assert all(cell.data_type == "s" for cell in list(sheet.rows)[1][-4:])


def test_json_export_holds_every_sent_submission(client, call, reviewer):
    answered(call, text="One")
    answered(call, text="Two")
    SubmissionFactory(call=call, status=Submission.Status.DRAFT)
    client.force_login(reviewer)
    data = json.loads(client.get(review_url(call, "export", "json")).content)
    assert len(data["submissions"]) == 2
    assert [t["title"] for t in data["topics"]] == [t.title for t in call.topics.all()]


def test_zip_holds_the_attachments_named_by_submission(client, call, reviewer, participant):
    submission = answered(call, contributor=participant)
    attach(submission, "report.pdf")
    attach(submission, "report.pdf")
    services.add_link(submission.pk, by=participant, link="https://v.example.org/1")
    client.force_login(reviewer)
    response = client.get(review_url(call, "export", "zip"))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    folder = f"submission-{submission.pk}-amina-otieno"
    assert sorted(archive.namelist()) == sorted(
        [f"{folder}/report.pdf", f"{folder}/2-report.pdf", f"{folder}/links.txt"]
    )
    assert archive.read(f"{folder}/report.pdf") == samples.PDF


def test_compilation_quotes_only_as_each_contributor_consented(client, call, reviewer):
    named = answered(
        call, text="Named words", status="included", quote_consent="named", country="KE"
    )
    answered(call, text="Anonymous words", status="included", quote_consent="anonymous")
    answered(call, text="Never quote me", status="included", quote_consent="none")
    answered(call, text="Left out", status="not_included", quote_consent="named")
    client.force_login(reviewer)
    for response in (
        client.get(review_url(call, "compilation")),
        client.get(review_url(call, "export", "md")),
    ):
        text = response.content.decode()
        assert "Named words" in text
        assert named.contributor.get_full_name() in text
        assert "Anonymous words" in text
        assert "A participant (name withheld)" in text
        assert "Never quote me" not in text
        assert "Left out" not in text


def test_typed_markup_stays_text_everywhere(client, call, reviewer, organiser):
    submission = answered(
        call, text=SCRIPT, status="included", quote_consent="named", showcase_consent=True
    )
    services.set_showcase([submission.pk], True, by=organiser)
    escaped = "&lt;script&gt;alert(&#x27;owned&#x27;)&lt;/script&gt;"
    client.force_login(organiser)
    pages = [
        client.get(reverse("declarations:good_practices", args=[call.edition.year])),
        client.get(review_url(call), {"topic": call.topics.first().pk}),
        client.get(review_url(call, "compilation")),
        client.get(reverse("admin:declarations_submission_change", args=[submission.pk])),
    ]
    for page in pages:
        assert SCRIPT not in page.text
        assert escaped in page.text
    markdown = client.get(review_url(call, "export", "md")).content.decode()
    assert "<script>" not in markdown
    assert "\\<script\\>" in markdown


def test_admin_shows_an_answer_as_paragraphs_not_as_markup(admin_client, call):
    submission = SubmissionFactory(call=call)
    AnswerFactory(
        submission=submission,
        topic=call.topics.first(),
        text="First paragraph.\nSame paragraph.\n\nSecond <b>paragraph</b>.",
    )
    page = admin_client.get(
        reverse("admin:declarations_submission_change", args=[submission.pk])
    ).text
    assert "<p>First paragraph.<br>Same paragraph.</p>" in page
    assert "<p>Second &lt;b&gt;paragraph&lt;/b&gt;.</p>" in page
    assert "&lt;p&gt;" not in page and "&lt;br&gt;" not in page


def test_markdown_compilation_has_apostrophes_and_quotes_as_typed(client, call, reviewer):
    """Markdown is escaped as Markdown: no HTML entity in place of what was typed."""
    submission = answered(call, text="We don't \"quote\" it's", status="included")
    submission.quote_consent = "named"
    submission.organisation_name = "King's College"
    submission.save(update_fields=["quote_consent", "organisation_name"])
    submission.contributor.set_name("Seán", "O'Brien")
    submission.contributor.save()
    call.topics.filter(order=1).update(title="Learners' voices")
    client.force_login(reviewer)
    markdown = client.get(review_url(call, "export", "md")).content.decode()
    assert "&#" not in markdown and "&quot;" not in markdown and "&amp;" not in markdown
    assert "We don't \"quote\" it's" in markdown
    assert "Seán O'Brien, King's College" in markdown
    assert "## 1. Learners' voices" in markdown
    assert "We don't \"quote\" it's" in render_markdown(markdown).text


def test_showcase_shows_only_consented_and_published_cases(client, call, organiser):
    published = answered(call, text="Published case", showcase_consent=True)
    answered(call, text="Not chosen by organisers", showcase_consent=True)
    refused = answered(call, text="No showcase consent", showcase_consent=False)
    not_quoted = answered(
        call, text="Not to be quoted", showcase_consent=True, quote_consent="none"
    )
    services.set_showcase([published.pk, refused.pk, not_quoted.pk], True, by=organiser)
    # Even a row marked by hand is not shown without both consents.
    Submission.objects.filter(pk__in=[refused.pk, not_quoted.pk]).update(showcase_published=True)
    page = client.get(reverse("declarations:good_practices", args=[call.edition.year])).text
    assert "Published case (Good practices showcase)" in page
    assert "Published case (Role and impact)" not in page  # only the good-practice topic
    assert "Not chosen by organisers" not in page
    assert "No showcase consent" not in page
    assert "Not to be quoted" not in page


def test_publishing_the_declaration_puts_it_among_the_publications(client, call, organiser):
    client.force_login(organiser)
    response = client.post(
        review_url(call, "publish"),
        {"title": "Hanoi Declaration", "text": "We, the participants...", "published_on": ""},
    )
    assert response.status_code == 302
    page = client.get(reverse("publications")).text
    assert "Hanoi Declaration" in page


# --- admin -------------------------------------------------------------------------------


def admin_list():
    return reverse("admin:declarations_submission_changelist")


def test_admin_search_finds_words_in_answers(admin_client, call):
    answered(call, text="Micro-credentials for teachers")
    answered(call, text="Something else")
    response = admin_client.get(admin_list(), {"q": "credentials"})
    assert response.context["cl"].result_count == 1


def test_admin_filters_by_topic_answered_and_tag(admin_client, call):
    topic = call.topics.last()
    one = SubmissionFactory(call=call)
    AnswerFactory(submission=one, topic=topic)
    SubmissionFactory(call=call)
    tag = TagFactory(name="equity")
    one.tags.add(tag)
    assert admin_client.get(admin_list(), {"topic": topic.pk}).context["cl"].result_count == 1
    assert (
        admin_client.get(admin_list(), {"tags__id__exact": tag.pk}).context["cl"].result_count == 1
    )
    assert admin_client.get(admin_list(), {"country": "KE"}).context["cl"].result_count == 2


def test_admin_bulk_actions_go_through_the_services(admin_client, call):
    sent = SubmissionFactory(call=call)
    draft = SubmissionFactory(call=call, status=Submission.Status.DRAFT)
    tag = TagFactory(name="quote")
    admin_client.post(
        admin_list(),
        {"action": "mark_included", "_selected_action": [sent.pk, draft.pk]},
    )
    admin_client.post(admin_list(), {"action": f"add_tag_{tag.pk}", "_selected_action": [sent.pk]})
    sent.refresh_from_db()
    draft.refresh_from_db()
    assert (sent.status, draft.status) == ("included", "draft")
    assert list(sent.tags.all()) == [tag]


def test_admin_list_query_count_does_not_grow(admin_client, call, django_assert_num_queries):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(admin_list()).status_code == 200
        return len(queries)

    for _ in range(2):
        SubmissionFactory(call=call).tags.add(TagFactory())
    small = count()
    for _ in range(10):
        SubmissionFactory(call=call).tags.add(TagFactory())
    with django_assert_num_queries(small):
        admin_client.get(admin_list())


def test_showcase_query_count_does_not_grow(client, call, organiser, django_assert_num_queries):
    url = reverse("declarations:good_practices", args=[call.edition.year])

    def publish(n: int) -> None:
        cases = [answered(call, showcase_consent=True) for _ in range(n)]
        services.set_showcase([c.pk for c in cases], True, by=organiser)

    publish(2)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    small = len(queries)
    publish(8)
    with django_assert_num_queries(small):
        page = client.get(url)
    assert page.text.count('class="card mb-4 good-practice"') == 10


def test_admin_filters_by_call(admin_client, call):
    other = call_with_topics()
    SubmissionFactory(call=call)
    SubmissionFactory(call=other)
    response = admin_client.get(admin_list(), {"call": other.pk})
    assert response.context["cl"].result_count == 1


def test_a_submission_in_the_admin_is_for_organisers_only(client, call, participant, reviewer):
    submission = answered(call, text="Only for organisers")
    url = reverse("admin:declarations_submission_change", args=[submission.pk])
    client.force_login(submission.contributor)
    assert client.get(url).status_code == 302  # not staff: the admin's login page
    client.force_login(UserFactory(is_staff=True))
    assert client.get(url).status_code == 403
    client.force_login(reviewer)
    page = client.get(url)
    assert page.status_code == 200
    assert "Only for organisers" in page.text


def test_review_page_can_show_every_topic_grouped(
    client, call, reviewer, django_assert_num_queries
):
    answered(call, text="Grouped")
    client.force_login(reviewer)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            page = client.get(review_url(call), {"topic": "all"})
        for topic in call.topics.all():
            assert f"Grouped ({topic.title})" in page.text
        return len(queries)

    small = count()
    for _ in range(6):
        answered(call, text="Grouped").tags.add(TagFactory())
    with django_assert_num_queries(small):
        client.get(review_url(call), {"topic": "all"})


def test_review_page_with_an_unknown_topic_is_not_an_error(client, call, reviewer):
    client.force_login(reviewer)
    response = client.get(review_url(call), {"topic": "99999"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.text


# --- hostile input in the exports --------------------------------------------------------------

HOSTILE_MARKDOWN = [
    "[click me](javascript:alert(1))",
    "![](http://evil.example/pixel.png)",
    "[a reference][1]\n\n[1]: javascript:alert(2)",
    "<http://evil.example/auto>",
    "<img src=x onerror=alert(3)>",
    "<a href='javascript:alert(4)'>raw html</a>",
    "&#106;avascript and &lt;entities&gt;",
    "# Not a heading\n- not a list\n1. not a list\n    not code\n---",
    "First line\nSecond line\n\nNew paragraph",
]


class Rendered(HTMLParser):
    """The tags of rendered HTML and its text."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text = ""
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text += data


def render_markdown(text: str) -> Rendered:
    """As a CommonMark renderer with GitHub's tables and strikethrough shows it."""
    return Rendered(MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(text))


def test_markdown_compilation_quotes_input_as_text_with_no_link_image_or_html(
    client, call, reviewer
):
    for text in HOSTILE_MARKDOWN:
        answered(call, text=text, status="included", quote_consent="named")
    call.topics.filter(order=1).update(title="[Topic](javascript:alert(5))")
    contributor = Submission.objects.first().contributor
    contributor.full_name = "![me](http://evil.example/me.png)"
    contributor.save(update_fields=["full_name"])
    client.force_login(reviewer)
    markdown = client.get(review_url(call, "export", "md")).content.decode()
    rendered = render_markdown(markdown)
    tags = {tag for tag, _ in rendered.tags}
    assert tags <= {"h1", "h2", "p", "em", "blockquote", "br"}, tags
    # Every hostile text reads as it was typed, line by line.
    for text in HOSTILE_MARKDOWN:
        for line in text.split("\n"):
            assert line.strip() in rendered.text, line
    assert "[Topic](javascript:alert(5))" in rendered.text
    assert "![me](http://evil.example/me.png)" in rendered.text
    # Lines typed one under the other stay apart.
    assert "First line" in markdown and "<br />\nSecond line" in MarkdownIt("commonmark").render(
        markdown
    )


def test_html_compilation_shows_hostile_input_as_text(client, call, reviewer):
    for text in HOSTILE_MARKDOWN:
        answered(call, text=text, status="included", quote_consent="named")
    client.force_login(reviewer)
    page = Rendered(client.get(review_url(call, "compilation")).content.decode())
    for tag, attributes in page.tags:
        assert tag != "img" or "evil" not in attributes.get("src", ""), attributes
        assert not (attributes.get("href") or "").startswith("javascript:"), attributes
        assert "onerror" not in attributes, (tag, attributes)
    assert "<img src=x onerror=alert(3)>" in page.text
    assert "![](http://evil.example/pixel.png)" in page.text


def test_export_headers_are_guarded_like_every_cell(client, call, reviewer):
    answered(call, text="plain")
    call.topics.filter(order=1).update(title='=HYPERLINK("http://evil.example","x")')
    client.force_login(reviewer)
    response = client.get(review_url(call, "export", "csv"))
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert '\'=HYPERLINK("http://evil.example","x")' in header
    assert not any(cell.startswith("=") for cell in header)
    response = client.get(review_url(call, "export", "xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    first = next(sheet.iter_rows())
    assert '\'=HYPERLINK("http://evil.example","x")' in [cell.value for cell in first]
    assert {cell.data_type for cell in first} == {"s"}
