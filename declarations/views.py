"""Contributor, organiser and public pages of declaration input: thin, the services
decide."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gmc import spreadsheets
from gmc.downloads import private_file_response
from gmc.errors import refusal_on_form, show_refusal
from gmc.models import Edition
from gmc.permissions import is_organiser, organiser_required
from gmc.selectors import current_edition

from . import exports, selectors, services
from .forms import PublishDeclarationForm, SubmissionForm, TopicChoiceForm
from .models import Attachment, Call, Submission

REVIEW_PERMISSION = "declarations.view_submission"
PUBLISH_PERMISSION = "gmc.change_publication"


def _call_of_year(year: int) -> Call:
    edition = get_object_or_404(Edition.objects.published(), year=year)
    call = selectors.call_for_edition(edition)
    if call is None:
        raise Http404("No call for input")
    return call


# --- contributors ------------------------------------------------------------------------


def submit(request: HttpRequest) -> HttpResponse:
    """/declaration/: the current edition's call."""
    edition = current_edition()
    call = selectors.call_for_edition(edition) if edition else None
    if call is None:
        return render(request, "declarations/no_call.html", {"edition": edition})
    return _submission_page(request, call)


def submit_year(request: HttpRequest, year: int) -> HttpResponse:
    return _submission_page(request, _call_of_year(year))


def _initial(submission: Submission | None) -> dict:
    if submission is None:
        return {"quote_consent": Submission.QuoteConsent.NONE}
    initial = {
        services.topic_field(answer.topic_id): answer.text for answer in submission.answers.all()
    }
    initial.update(
        quote_consent=submission.quote_consent, showcase_consent=submission.showcase_consent
    )
    return initial


SAVED_MESSAGES = {
    services.InputOutcome.SENT: gettext_lazy(
        "Thank you: your input is sent. We have emailed you a copy. You can still change it "
        "until the deadline."
    ),
    services.InputOutcome.ADDED_TO_SENT: gettext_lazy(
        "The attachment is added to the input you sent. Your answers did not change, so no "
        "new copy was emailed."
    ),
    services.InputOutcome.UNCHANGED: gettext_lazy(
        "Your input is saved: nothing changed since you sent it."
    ),
    services.InputOutcome.DRAFT: gettext_lazy(
        "Your draft is saved. It is not sent until you choose “Send”."
    ),
}


def _submission_page(request: HttpRequest, call: Call) -> HttpResponse:
    user = request.user
    edition = call.edition
    topics = list(call.topics.all())
    participant = selectors.is_registered_participant(user, edition)
    submission = selectors.own_submission(call, user) if participant else None
    state = call.state()
    answers = {a.topic_id: a for a in submission.answers.all()} if submission else {}
    form = None
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        if not participant:
            raise PermissionDenied
        form = SubmissionForm(request.POST, request.FILES, topics=topics)
        if form.is_valid():
            try:
                saved = services.save_input(
                    call.pk,
                    contributor=user,
                    answers=form.answers(),
                    quote_consent=form.cleaned_data["quote_consent"],
                    showcase_consent=form.cleaned_data["showcase_consent"],
                    upload=form.cleaned_data["attachment"],
                    link=form.cleaned_data["link"],
                    attachment_title=form.cleaned_data["attachment_title"],
                    send=request.POST.get("action") == "submit",
                )
            except services.DeclarationError as error:
                refusal_on_form(form, error)
            else:
                messages.success(request, SAVED_MESSAGES[saved.outcome])
                return redirect(request.path)
    elif participant and state == "open":
        form = SubmissionForm(initial=_initial(submission), topics=topics)
    return render(
        request,
        "declarations/submit.html",
        {
            "call": call,
            "edition": edition,
            "topics": topics,
            "state": state,
            "participant": participant,
            "submission": submission,
            "answered": [(topic, answers.get(topic.pk)) for topic in topics],
            "form": form,
        },
    )


@login_required
@require_POST
def attachment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = get_object_or_404(
        Attachment.objects.select_related("submission__call__edition"),
        pk=pk,
        submission__contributor=request.user,
    )
    year = attachment.submission.call.edition.year
    try:
        services.remove_attachment(attachment.pk, by=request.user)
    except services.DeclarationError as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("The attachment is removed."))
    return redirect("declarations:submit_year", year)


def _may_read(user, submission: Submission) -> bool:
    if not user.is_authenticated:
        return False
    if submission.contributor_id == user.pk:
        return True
    return is_organiser(user, REVIEW_PERMISSION)


@login_required
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The file, to its owner and to organisers only (404 for everyone else, so that
    the address says nothing). Sent as a download, never rendered by the browser."""
    attachment = get_object_or_404(
        Attachment.objects.select_related("submission").exclude(file=""), pk=pk
    )
    if not _may_read(request.user, attachment.submission):
        raise Http404("No attachment")
    return private_file_response(
        attachment.file, filename=attachment.original_name, content_type=attachment.content_type
    )


# --- public -----------------------------------------------------------------------------


def good_practices(request: HttpRequest, year: int) -> HttpResponse:
    call = _call_of_year(year)
    return render(
        request,
        "declarations/good_practices.html",
        {"call": call, "edition": call.edition, "cases": selectors.showcase(call)},
    )


# --- organisers ---------------------------------------------------------------------------


@organiser_required(REVIEW_PERMISSION)
def review(request: HttpRequest, year: int) -> HttpResponse:
    """Counts, and one topic's answers across all sent submissions (?topic=<id>)."""
    call = _call_of_year(year)
    topics = call.topics.all()
    show_all = request.GET.get("topic") == "all"
    chooser = TopicChoiceForm(None if show_all else request.GET or None, topics=topics)
    topic = chooser.cleaned_data["topic"] if chooser.is_bound and chooser.is_valid() else None
    if topic is None and not request.GET:
        topic = next(iter(topics), None)
        chooser = TopicChoiceForm(initial={"topic": topic}, topics=topics)
    counts = selectors.answer_counts(call)
    return render(
        request,
        "declarations/review.html",
        {
            "call": call,
            "edition": call.edition,
            "summary": selectors.review_summary(call),
            "topics": [(t, counts.get(t.pk, 0)) for t in topics],
            "topic": topic,
            "chooser": chooser,
            "answers": list(selectors.answers_for_topic(topic)) if topic else [],
            "show_all": show_all,
            "grouped": selectors.answers_by_topic(call) if show_all else [],
            "can_publish": request.user.has_perm(PUBLISH_PERMISSION),
        },
    )


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@organiser_required(REVIEW_PERMISSION)
def export(request: HttpRequest, year: int, fmt: str) -> HttpResponse:
    call = _call_of_year(year)
    base = f"declaration-input-{year}"
    if fmt == "csv":
        header, rows = exports.table(call)
        return _download(
            spreadsheets.to_csv(header, rows), f"{base}.csv", "text/csv; charset=utf-8"
        )
    if fmt == "xlsx":
        header, rows = exports.table(call)
        return _download(
            exports.to_xlsx(header, rows),
            f"{base}.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    if fmt == "json":
        return _download(exports.to_json(call), f"{base}.json", "application/json")
    if fmt == "zip":
        response = FileResponse(
            exports.attachments_zip(call),
            as_attachment=True,
            filename=f"{base}-attachments.zip",
            content_type="application/zip",
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response
    if fmt == "md":
        return _download(
            exports.compilation_markdown(call).encode("utf-8"),
            f"declaration-compilation-{year}.md",
            "text/markdown; charset=utf-8",
        )
    raise Http404("Unknown format")


@organiser_required(REVIEW_PERMISSION)
def compilation(request: HttpRequest, year: int) -> HttpResponse:
    """The compilation as a printable page (print it to PDF from the browser)."""
    call = _call_of_year(year)
    return render(
        request,
        "declarations/compilation.html",
        {"call": call, "edition": call.edition, "groups": selectors.compilation(call)},
    )


@organiser_required(PUBLISH_PERMISSION)
def publish(request: HttpRequest, year: int) -> HttpResponse:
    call = _call_of_year(year)
    if not request.user.has_perm(REVIEW_PERMISSION):
        raise PermissionDenied
    existing = call.publication
    if request.method == "POST":
        form = PublishDeclarationForm(request.POST)
        if form.is_valid():
            publication = services.publish_declaration(
                call.pk,
                by=request.user,
                title=form.cleaned_data["title"],
                text=form.cleaned_data["text"],
                published_on=form.cleaned_data["published_on"],
            )
            messages.success(request, _("The declaration is published."))
            return redirect(publication.get_absolute_url())
    else:
        form = PublishDeclarationForm(
            initial={
                "title": existing.title if existing else "",
                "text": existing.summary if existing else "",
                "published_on": existing.published_on if existing else None,
            }
        )
    return render(
        request,
        "declarations/publish.html",
        {"call": call, "edition": call.edition, "form": form, "publication": existing},
    )
