"""Organisers' admin of registrations: lists, filters, search; actions and saves go
through the services, so the admin obeys the seat count and sends the same emails."""

from __future__ import annotations

import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from modeltranslation.admin import TranslationTabularInline

from gmc import spreadsheets
from gmc.admin_actions import action_page
from gmc.admin_audit import AuditedAdmin
from gmc.admin_labels import AutocompletePlaceholders, ColumnLabels
from gmc.admin_translation import TranslatedAdmin
from gmc.errors import RefusalOnFormAdmin, refusal_on_form, show_refusal
from gmc.models import Edition
from gmc.query_numbers import is_plain_number
from gmc.selectors import current_edition

from . import conditions, exports, selectors, services
from .accounts import admin as accounts_admin  # noqa: F401  the User admin, with deletion
from .models import Answer, Choice, Question, Registration, choice_key, quoted


class ChoiceForm(forms.ModelForm):
    """A choice's key is made from its English wording when left empty, and cannot be
    changed once saved: the answers keep it."""

    def __init__(self, *args, taken_keys: set[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.taken_keys = set() if taken_keys is None else taken_keys
        if self.instance.pk is not None:
            self.fields["key"].disabled = True

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("key") and self.instance.pk is None:
            wording = cleaned.get("label_en") or cleaned.get("label") or ""
            cleaned["key"] = choice_key(wording, self.taken_keys)
        if cleaned.get("key"):
            self.taken_keys.add(cleaned["key"])
        return cleaned


class ChoiceFormSet(BaseInlineFormSet):
    """A choice question offers at least two choices; a choice that answers picked is
    withdrawn, not deleted, so that those answers keep their meaning."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Shared by the forms: each new key is unlike the saved ones and those before it.
        self.taken_keys = (
            set(self.instance.choices.values_list("key", flat=True))
            if self.instance.pk is not None
            else set()
        )

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "taken_keys": self.taken_keys}

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        revealing = list(self.instance.dependents.all()) if self.instance.pk is not None else []
        for form in self.deleted_forms:
            choice = form.instance
            if choice.pk is None:
                continue
            shown = [q for q in revealing if choice.key in q.shown_for]
            if shown:
                raise forms.ValidationError(
                    ngettext(
                        "“%(choice)s” shows %(questions)s: untick it in that question's "
                        "condition before deleting it.",
                        "“%(choice)s” shows %(questions)s: untick it in those questions' "
                        "conditions before deleting it.",
                        len(shown),
                    )
                    % {
                        "choice": choice.label,
                        "questions": ", ".join(quoted(q.label) for q in shown),
                    }
                )
            picked = Answer.objects.filter(question_id=choice.question_id).choosing(choice.key)
            count = picked.count()
            if count:
                raise forms.ValidationError(
                    ngettext(
                        "%(count)d answer picked “%(choice)s”: untick “offered” to stop "
                        "offering it instead of deleting it.",
                        "%(count)d answers picked “%(choice)s”: untick “offered” to stop "
                        "offering it instead of deleting it.",
                        count,
                    )
                    % {"count": count, "choice": choice.label}
                )
        if self.instance.has_choices:
            kept = [
                form
                for form in self.forms
                if form not in self.deleted_forms
                and (form.instance.pk is not None or form.has_changed())
            ]
            if sum(1 for form in kept if form.cleaned_data.get("offered")) < 2:
                raise forms.ValidationError(_("Offer at least two choices for this question."))


class ChoiceInline(ColumnLabels, TranslationTabularInline):
    model = Choice
    form = ChoiceForm
    formset = ChoiceFormSet
    fields = ["label", "key", "offered", "order"]
    extra = 2


# A ticked answer of the condition: "<question id>:<answer key>".
CONDITION_VALUE = re.compile(r"^(\d+):([-\w]+)$")


class ConditionWidget(forms.CheckboxSelectMultiple):
    """The answers of each question in a group of its own, named after the question."""

    template_name = "registration/admin/condition_widget.html"


class ConditionField(forms.MultipleChoiceField):
    """The answers that show a question, ticked among the answers of the questions it
    may depend on. A ticked value that is not listed (a question changed since the page
    was loaded) is read all the same: the question's validation says what is wrong."""

    widget = ConditionWidget

    def valid_value(self, value) -> bool:
        return bool(CONDITION_VALUE.match(str(value)))


class QuestionAdminForm(forms.ModelForm):
    """The condition of a question is one field: the answers of one earlier question of
    its edition that show it (``Question.depends_on`` and ``shown_for``)."""

    depends_on = ConditionField(
        label=_("Asked only after these answers"),
        required=False,
        help_text=_(
            "Tick answers of one earlier question of the edition: the question is then "
            "asked only of people who give one of them. Leave all unticked to ask "
            "everyone. Questions of the edition with choices are listed; a new question "
            "lists those of the current edition."
        ),
    )

    class Meta:
        model = Question
        fields = ["edition", "label", "help_text", "kind", "required", "order", "attendance"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        question = self.instance
        if question.depends_on_id is not None:
            self.initial["depends_on"] = [
                f"{question.depends_on_id}:{key}" for key in question.shown_for
            ]
        if "depends_on" in self.fields:
            self.fields["depends_on"].choices = self._answers_to_offer()

    def _edition_id(self) -> int | None:
        if self.instance.edition_id is not None:
            return self.instance.edition_id
        edition = self.initial.get("edition")
        if getattr(edition, "pk", None) is not None:
            return edition.pk
        if is_plain_number(str(edition or "")):
            return int(edition)
        current = current_edition()
        return current.pk if current is not None else None

    def _answers_to_offer(self) -> list:
        """The answers of the questions it may depend on, grouped by question: those of
        its edition with choices, before it, and not depending on it themselves."""
        question = self.instance
        questions = list(
            Question.objects.filter(edition_id=self._edition_id())
            .prefetch_related("choices")
            .order_by("order", "pk")
        )
        later = set()
        if question.pk is not None:
            # The questions that depend on it, directly or through others.
            later, grew = {question.pk}, True
            while grew:
                found = {q.pk for q in questions if q.depends_on_id in later} - later
                later |= found
                grew = bool(found)
        offered = [
            q
            for q in questions
            if q.can_be_depended_on
            and q.pk not in later
            and (question.pk is None or q.comes_before(question))
        ]
        if question.depends_on_id is not None and question.depends_on not in offered:
            offered.append(question.depends_on)
        return [
            (q.label, [(f"{q.pk}:{key}", wording) for key, wording in q.answer_wordings().items()])
            for q in offered
        ]

    def clean(self):
        cleaned = super().clean()
        if "depends_on" not in self.fields or "depends_on" in self.errors:
            return cleaned
        ticked = [CONDITION_VALUE.match(value).groups() for value in cleaned.get("depends_on", [])]
        controllers = {int(pk) for pk, _key in ticked}
        controller = None
        if len(controllers) > 1:
            self.add_error(
                "depends_on",
                _(
                    "Tick answers of one question only: a question is asked after the "
                    "answers to one other question."
                ),
            )
            return cleaned
        if controllers:
            controller = Question.objects.filter(pk=controllers.pop()).first()
            if controller is None:
                self.add_error(
                    "depends_on",
                    _("The question of these answers no longer exists. Please tick again."),
                )
                return cleaned
        cleaned["depends_on"] = controller
        self.instance.shown_for = [key for _pk, key in ticked]
        return cleaned


class QuestionRowForm(forms.ModelForm):
    """A row of the list of questions, where only some fields are edited (the order,
    "required"): a refusal about another part of the question is shown for the row."""

    def add_error(self, field, error):
        if field is None and isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                super().add_error(name if name in self.fields else None, errors)
            return
        super().add_error(field, error)


@admin.register(Question)
class QuestionAdmin(TranslatedAdmin):
    form = QuestionAdminForm
    inlines = [ChoiceInline]
    fieldsets = [
        (None, {"fields": ["edition", "label", "help_text", "kind", "required", "order"]}),
        (_("Who is asked"), {"fields": ["attendance", "depends_on"]}),
    ]
    list_display = ["label", "edition", "kind", "required", "asked_of", "order"]
    list_editable = ["required", "order"]
    list_filter = ["edition", "kind", "required", "attendance"]
    search_fields = ["label"]
    list_select_related = ["edition", "depends_on"]

    def get_changelist_form(self, request, **kwargs):
        return super().get_changelist_form(request, form=QuestionRowForm, **kwargs)

    @admin.display(description=_("asked of"))
    def asked_of(self, question: Question) -> str:
        parts = []
        if question.attendance:
            parts.append(str(question.get_attendance_display()))
        if question.depends_on_id is not None:
            parts.append(
                gettext("After answers to “%(question)s”") % {"question": question.depends_on}
            )
        return "; ".join(parts) or str(_("Everyone"))


class AnswerInline(ColumnLabels, admin.TabularInline):
    model = Answer
    fields = ["question", "display_value"]
    readonly_fields = ["question", "display_value"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("question")
            .prefetch_related("question__choices")
        )

    @admin.display(description=_("answer"))
    def display_value(self, answer: Answer) -> str:
        return answer.display_value

    def applicable_queryset(self, request, registration: Registration):
        """The registration's answers to the questions that apply to it: one kept from
        before a question was made to depend on another is not shown where it does not
        apply."""
        answers = self.get_queryset(request).filter(registration=registration)
        shown = conditions.applicable_answers(answers, registration.attendance)
        return answers.filter(pk__in=[answer.pk for answer in shown])


class CheckedInFilter(admin.SimpleListFilter):
    title = _("checked in")
    parameter_name = "checked_in"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.checked_in()
        if self.value() == "no":
            return queryset.not_checked_in()
        return queryset


class CountryFilter(admin.SimpleListFilter):
    """The attendees' countries, by name, among the registrations there are."""

    title = _("country")
    parameter_name = "country"

    def lookups(self, request, model_admin):
        codes = (
            Registration.objects.exclude(attendee__country="")
            .order_by()
            .values_list("attendee__country", flat=True)
            .distinct()
        )
        return sorted(((code, countries.name(code)) for code in codes), key=lambda c: c[1])

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(attendee__country=self.value())
        return queryset


class RegistrationAdminForm(forms.ModelForm):
    consent = forms.BooleanField(
        label=_("The person agreed to the privacy notice and the code of conduct"),
        required=False,
    )

    class Meta:
        model = Registration
        fields = [
            "edition",
            "attendee",
            "attendance",
            "interpretation_language",
            "accessibility_needs",
            "dietary_needs",
            "role",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "role" in self.fields:
            # Left out of a post (a form of an older page), the role stays as it is.
            self.fields["role"].required = False

    def clean(self):
        cleaned = super().clean()
        registration = self.instance
        edition = cleaned.get("edition") or (registration.edition if registration.pk else None)
        attendance = cleaned.get("attendance")
        attendee = cleaned.get("attendee")
        if registration.pk is None and not cleaned.get("consent"):
            self.add_error("consent", _("A registration needs the person's consent."))
        # The service's own rules, asked before saving so that a refusal shows here with
        # everything typed (organisers are not held to the registration window).
        details = {
            "attendance": attendance,
            "interpretation_language": cleaned.get("interpretation_language") or "",
            "enforce_window": False,
        }
        try:
            if registration.pk is not None and attendance:
                services.check_update(edition, registration, **details)
            elif edition is not None and attendee is not None and attendance:
                existing = Registration.objects.filter(edition=edition, attendee=attendee).first()
                services.check_registering(edition, existing, **details)
                if existing is not None:
                    # Cancelled: the service re-opens it. The form checks it as that row,
                    # so the model's one-registration-per-person constraint, checked
                    # after clean(), does not take it for a second registration.
                    self.instance = existing
        except services.RegistrationError as error:
            refusal_on_form(self, error)
        return cleaned

    def validate_unique(self):
        # A cancelled registration of the same person is re-opened by the service.
        pass


class ConfirmOutOfTurnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_(
            "Why these people are confirmed ahead of others or beyond the capacity, e.g. "
            "“speaker of the opening session”. Kept with the registration."
        ),
        error_messages={"required": _("Give a reason for confirming out of turn.")},
    )
    plan = forms.CharField(widget=forms.HiddenInput)


@admin.register(Registration)
class RegistrationAdmin(
    AutocompletePlaceholders, RefusalOnFormAdmin, AuditedAdmin, admin.ModelAdmin
):
    # A seat taken, or the person registered, between the form's check and the save:
    # the refusal is shown on the form sent again (RefusalOnFormAdmin).
    form = RegistrationAdminForm
    # Saves go through the services, which log the change with its consequences (a
    # move to online that confirms a waiting registration) themselves.
    audit_admin_changes = False
    change_list_template = "registration/admin/change_list.html"
    # Narrow columns only, so that the list fits a phone: email, organisation, country
    # and timestamps are on each registration's page, in the filters, the search and
    # the exports.
    list_display = ["attendee_name", "status_label", "attendance", "edition_year"]
    list_filter = [
        "edition",
        "attendance",
        "status",
        CountryFilter,
        "attendee__organisation_type",
        CheckedInFilter,
        "role",
    ]
    search_fields = [
        "attendee__full_name",
        "attendee__email",
        "attendee__organisation_name",
        "=ticket_code",
    ]
    list_select_related = ["attendee", "edition"]
    list_per_page = 50
    date_hierarchy = "created_at"
    autocomplete_fields = ["attendee"]
    inlines = [AnswerInline]
    actions = [
        "confirm_selected",
        "cancel_selected",
        "resend_selected",
        "mark_joined_selected",
        "mark_online_joined_after_end",
    ]
    readonly_fields = [
        "status",
        "ticket_code",
        "consent_at",
        "waitlisted_at",
        "confirmed_at",
        "confirmed_by",
        "confirmation_reason",
        "cancelled_at",
        "checked_in_at",
        "checked_in_by",
        "joined_at",
        "joined_by",
        "confirmation_resent_at",
        "resend_count",
        "status_version",
        "created_at",
        "updated_at",
    ]

    def get_fieldsets(self, request, obj=None):
        details = [
            "attendance",
            "interpretation_language",
            "accessibility_needs",
            "dietary_needs",
            "role",
        ]
        if obj is None:
            return [(None, {"fields": ["edition", "attendee", *details, "consent"]})]
        return [
            (None, {"fields": ["edition", "attendee", "status", "ticket_code", *details]}),
            (
                _("History"),
                {"fields": self.readonly_fields[2:], "classes": ["collapse"]},
            ),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ["edition", "attendee", *self.readonly_fields]
        return self.readonly_fields

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, AnswerInline) and obj is not None and obj.pk is not None:
            kwargs["queryset"] = inline.applicable_queryset(request, obj)
        return kwargs

    # --- the list ----------------------------------------------------------------------

    @staticmethod
    def _waiting_list(request: HttpRequest) -> bool:
        """Whether the list shows the waiting list: then first in line first, numbered."""
        return request.GET.get("status__exact") == Registration.Status.WAITING

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self._waiting_list(request):
            queryset = selectors.with_waiting_position(queryset)
        return queryset

    def get_ordering(self, request):
        if self._waiting_list(request):
            return ["-edition__year", "waitlisted_at", "pk"]
        return super().get_ordering(request)

    def get_list_display(self, request):
        if self._waiting_list(request):
            return ["line_position", *self.list_display]
        return self.list_display

    @admin.display(description=_("place in line"), ordering="waitlisted_at")
    def line_position(self, registration: Registration) -> int | None:
        return getattr(registration, "line_position", None)

    @admin.display(description=_("name"), ordering="attendee__full_name")
    def attendee_name(self, registration: Registration) -> str:
        return registration.attendee.display_name

    @admin.display(description=_("status"), ordering="status")
    def status_label(self, registration: Registration) -> str:
        return registration.display_status

    @admin.display(description=_("country"), ordering="attendee__country")
    def country(self, registration: Registration) -> str:
        return registration.attendee.country.code

    @admin.display(description=_("year"), ordering="edition__year")
    def edition_year(self, registration: Registration) -> int:
        return registration.edition.year

    def has_delete_permission(self, request, obj=None) -> bool:
        # Registrations are cancelled (which frees the seat and tells the person), not deleted.
        return False

    def save_model(self, request, obj: Registration, form, change: bool) -> None:
        data = form.cleaned_data
        details = {
            "attendance": data["attendance"],
            "interpretation_language": data.get("interpretation_language") or "",
            "accessibility_needs": data.get("accessibility_needs") or "",
            "dietary_needs": data.get("dietary_needs") or "",
            "enforce_window": False,
        }
        if change:
            registration = services.update_registration(
                obj.pk, by=request.user, role=data.get("role") or None, **details
            )
        else:
            registration = services.register_attendee(
                data["edition"].pk,
                attendee=data["attendee"],
                consent=True,
                by=request.user,
                role=data.get("role") or "",
                **details,
            )
        obj.pk = registration.pk
        obj.refresh_from_db()

    def _run(self, request, queryset, service, done_message, *, after=None) -> None:
        done, refused = 0, []
        for registration in queryset.select_related("attendee"):
            try:
                with transaction.atomic():
                    result = service(registration.pk, by=request.user)
            except services.RegistrationError as error:
                refused.append((registration.attendee.display_name, error))
            else:
                done += 1
                if after is not None:
                    after(registration, result)
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)
        for name, error in refused:
            show_refusal(request, error, about=name)

    @admin.action(description=_("Mark as joined (online)"), permissions=["change"])
    def mark_joined_selected(self, request, queryset):
        """Online participants who took part: they count as having attended (their
        certificate of attendance follows)."""
        self._run(
            request,
            queryset,
            services.mark_joined,
            lambda n: (
                ngettext(
                    "%(count)d registration marked as joined.",
                    "%(count)d registrations marked as joined.",
                    n,
                )
                % {"count": n}
            ),
        )

    @admin.action(
        description=_("Mark every confirmed online participant of these editions as joined"),
        permissions=["change"],
    )
    def mark_online_joined_after_end(self, request, queryset):
        """The rule "registered online, confirmed, and the edition has ended", applied to
        the editions of the selected registrations."""
        for edition in Edition.objects.filter(
            pk__in=queryset.values_list("edition_id", flat=True)
        ).order_by("year"):
            try:
                count = services.mark_online_joined_after_end(edition.pk, by=request.user)
            except services.RegistrationError as error:
                show_refusal(request, error)
                continue
            self.message_user(
                request,
                ngettext(
                    "%(edition)s: %(count)d online participant marked as joined.",
                    "%(edition)s: %(count)d online participants marked as joined.",
                    count,
                )
                % {"edition": edition, "count": count},
                messages.SUCCESS,
            )

    @admin.action(description=_("Confirm from the waiting list"), permissions=["change"])
    def confirm_selected(self, request, queryset):
        """The first in line while seats are free: at once. Anyone else, or beyond the
        capacity: a page saying whom it skips and by how much the capacity is exceeded,
        and a reason, kept with the registration and in the admin's history."""
        plans = selectors.confirmation_plans(list(queryset.values_list("pk", flat=True)))
        signature = "|".join(plan.signature for plan in plans)
        reason = ""
        if any(plan.out_of_turn for plan in plans):
            form = ConfirmOutOfTurnForm(request.POST if "confirm" in request.POST else None)
            if form.is_valid() and form.cleaned_data["plan"] != signature:
                self.message_user(
                    request,
                    _("The waiting list changed while you were deciding. Please check again."),
                    messages.WARNING,
                )
                form = ConfirmOutOfTurnForm(initial={"reason": form.cleaned_data["reason"]})
            if not form.is_valid():
                form.initial["plan"] = signature
                return action_page(
                    self,
                    request,
                    "registration/admin/confirm_from_waitlist.html",
                    title=_("Confirm from the waiting list out of turn"),
                    action_name="confirm_selected",
                    selected=queryset.values_list("pk", flat=True),
                    form=form,
                    plans=plans,
                    others=queryset.exclude(status=Registration.Status.WAITING)
                    .select_related("attendee")
                    .order_by("pk"),
                )
            reason = form.cleaned_data["reason"]

        def log(before: Registration, registration: Registration) -> None:
            if before.status != Registration.Status.WAITING:
                return  # already confirmed: nothing happened
            message = _("Confirmed from the waiting list.")
            if registration.confirmation_reason:
                message = _("Confirmed from the waiting list. Reason: %(reason)s") % {
                    "reason": registration.confirmation_reason
                }
            self.log_change(request, registration, str(message))

        self._run(
            request,
            # First in line first: confirming them in turn keeps the others in turn.
            queryset.order_by("waitlisted_at", "pk"),
            lambda pk, by: services.confirm_from_waitlist(pk, by=by, reason=reason),
            lambda n: ngettext("%d registration confirmed.", "%d registrations confirmed.", n) % n,
            after=log,
        )

    @admin.action(description=_("Cancel the registrations"), permissions=["change"])
    def cancel_selected(self, request, queryset):
        self._run(
            request,
            queryset,
            services.cancel_registration,
            lambda n: ngettext("%d registration cancelled.", "%d registrations cancelled.", n) % n,
        )

    @admin.action(description=_("Resend the confirmation email"), permissions=["change"])
    def resend_selected(self, request, queryset):
        self._run(
            request,
            queryset,
            services.resend_confirmation,
            lambda n: (
                ngettext("%d confirmation sent again.", "%d confirmations sent again.", n) % n
            ),
        )

    # --- exports of the filtered list ---------------------------------------------------

    def get_urls(self):
        return [
            path(
                "export/<str:fmt>/",
                self.admin_site.admin_view(self.export_view),
                name="registration_registration_export",
            ),
            *super().get_urls(),
        ]

    def export_view(self, request: HttpRequest, fmt: str) -> HttpResponse:
        """The list as filtered and searched on the change list, as CSV or XLSX."""
        if not self.has_view_permission(request) or fmt not in ("csv", "xlsx"):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
            queryset = changelist.get_queryset(request)
        except IncorrectLookupParameters:
            # A filter the list does not know or a value it cannot read: back to the list,
            # as the change list itself does.
            return HttpResponseRedirect(
                reverse("admin:registration_registration_changelist") + "?e=1"
            )
        header, rows = exports.table(queryset)
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        if fmt == "csv":
            response = HttpResponse(
                spreadsheets.to_csv(header, rows), content_type="text/csv; charset=utf-8"
            )
        else:
            response = HttpResponse(
                exports.to_xlsx(header, rows),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="registrations-{stamp}.{fmt}"'
        return response
