"""Validation and cleaning of the registration forms; the services do the rest."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout
from django import forms
from django.forms.boundfield import BoundField
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language_info, gettext
from django.utils.translation import gettext_lazy as _

from gmc.models import Edition, User

from . import conditions
from .extensions import FormOption
from .models import Question, Registration

# Shared by the registration form and the profile, which edit the same parts of a person.
NAME_LABELS = {
    "given_name": _("Given name(s)"),
    "family_name": _("Family name"),
    "badge_name": _("Name on your ticket"),
    "organisation_name": _("Organisation"),
}
NAME_HELP_TEXTS = {
    "given_name": _("As you write it, in your own script."),
    "family_name": _("If you have only one name, fill in just one of the two."),
    "badge_name": _(
        "Shown on your ticket and in lists. Leave it empty to use your given and family names."
    ),
    "organisation_name": _(
        "As you would like it shown. We link it to the organisation when we know it."
    ),
}
NAME_WIDGETS = {
    "given_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
    "family_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
    "badge_name": forms.TextInput(attrs={"autocomplete": "off"}),
    "organisation_name": forms.TextInput(attrs={"autocomplete": "organization"}),
}


def name_initial(user: User) -> dict[str, str]:
    """The name parts to start from. A name written in one piece before names had parts
    is split as the data migration split them (the last word as the family name)."""
    given, family = user.given_name, user.family_name
    if not (given or family or user.badge_name) and user.full_name.strip():
        given, _space, family = user.full_name.strip().rpartition(" ")
        if not given:
            given, family = family, ""
    return {"given_name": given, "family_name": family}


class PersonForm(forms.ModelForm):
    """Who registers, asked on the registration form and saved to the profile: the name
    in parts (a given or a family name is required), the organisation and the country.
    Prefilled from the profile."""

    class Meta:
        model = User
        fields = ["given_name", "family_name", "badge_name", "organisation_name", "country"]
        labels = NAME_LABELS
        help_texts = NAME_HELP_TEXTS
        widgets = NAME_WIDGETS

    def __init__(self, *args, **kwargs):
        instance = kwargs["instance"]
        kwargs["initial"] = {**name_initial(instance), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("given_name") or cleaned.get("family_name")):
            self.add_error(
                "given_name", _("Please give your name: a given name, a family name or both.")
            )
        return cleaned

    def service_kwargs(self) -> dict:
        return {field: self.cleaned_data.get(field) or "" for field in self.Meta.fields}


NOT_OFFERED = _(
    "“%(value)s” is not one of the choices offered. Please pick one of the choices shown."
)


def language_name(code: str) -> str:
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


class AskedWhenItAppliesBoundField(BoundField):
    """A question asked only when it applies: the browser must not insist on an answer
    (a hidden field it insists on would block the form); the server asks for one when
    the question applies (``RegistrationForm.full_clean``)."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        attrs.pop("required", None)
        return attrs


def _quoted(text) -> str:
    """The organisers' words quoted in a sentence of ours (``models.quoted``), isolated
    for right-to-left pages."""
    return format_html(gettext("“{text}”"), text=format_html("<bdi>{}</bdi>", text))


def condition_note(question: Question, controller: Question | None) -> str:
    """When ``question`` is asked, in a sentence shown under it ("Only if you answered
    “Yes” to “Will you join a workshop?”."): without JavaScript every question is shown
    with its note; with it, the note says why a question appeared."""
    parts = []
    if question.attendance == Registration.Attendance.IN_PERSON:
        parts.append(_("For in-person attendance only."))
    elif question.attendance == Registration.Attendance.ONLINE:
        parts.append(_("For online attendance only."))
    if controller is not None:
        wordings = controller.answer_wordings()
        answers = [_quoted(wordings.get(key, key)) for key in question.shown_for]
        either = answers[0] if answers else ""
        for answer in answers[1:]:
            either = format_html(_("{first} or {second}"), first=either, second=answer)
        parts.append(
            format_html(
                _("Only if you answered {answers} to {question}."),
                answers=either,
                question=_quoted(controller.label),
            )
        )
    return format_html_join(" ", "{}", ((part,) for part in parts))


class RegistrationForm(forms.Form):
    """The attendee's form for one edition, with the edition's extra questions.

    ``registration`` given: the edit form (no consent box: it was given and stamped
    when registering). The hidden ``edition`` field catches a form loaded for one
    edition and sent after the current edition changed, or a forged one.

    A question asked of one kind of attendance or after given answers
    (``registration.conditions``) is on the form with a note saying when it applies and
    a wrapper carrying its condition in data attributes (``helper``), which
    static/registration/conditions.js reads to show and hide it as people answer.
    Whatever is shown, only the questions that apply to what was sent count: those are
    required when the organisers made them so, the others' answers are discarded.
    """

    edition = forms.IntegerField(widget=forms.HiddenInput)
    attendance = forms.ChoiceField(label=_("How will you attend?"), widget=forms.RadioSelect)
    interpretation_language = forms.ChoiceField(
        label=_("Interpretation"),
        required=False,
        help_text=_("Simultaneous interpretation offered at this edition."),
    )
    accessibility_needs = forms.CharField(
        label=_("Accessibility needs"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Anything we should arrange so that you can take part fully."),
    )
    dietary_needs = forms.CharField(
        label=_("Dietary needs"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For in-person attendance only."),
    )
    consent = forms.BooleanField(
        label=_("I agree to the privacy notice and the code of conduct of the conference."),
        required=True,
        error_messages={
            "required": _("Please agree to the privacy notice and the code of conduct.")
        },
    )

    def __init__(
        self,
        *args,
        edition: Edition,
        questions: list[Question],
        registration: Registration | None = None,
        options: list[FormOption] | tuple[FormOption, ...] = (),
        **kwargs,
    ):
        initial = kwargs.pop("initial", {}) or {}
        initial["edition"] = edition.pk
        answered: dict[int, str] = {}
        if registration is not None:
            answered = {a.question_id: a.value for a in registration.answers.all()}
            initial.update(
                attendance=registration.attendance,
                interpretation_language=registration.interpretation_language,
                accessibility_needs=registration.accessibility_needs,
                dietary_needs=registration.dietary_needs,
            )
            initial.update(self._initial_answers(answered, questions))
        super().__init__(*args, initial=initial, **kwargs)
        self.edition = edition

        attendance = []
        if edition.offers_in_person:
            attendance.append(Registration.Attendance.IN_PERSON)
        if edition.offers_online:
            attendance.append(Registration.Attendance.ONLINE)
        self.fields["attendance"].choices = [(a.value, a.label) for a in attendance]
        if len(attendance) == 1:
            self.fields["attendance"].initial = attendance[0].value
        # In-person questions (dietary needs, questions marked so) are asked only where
        # someone may attend in person: not at an online edition, and not on the edit
        # page of an online registration (switching to in person and saving brings them).
        self.asks_in_person = edition.offers_in_person and not (
            registration is not None and registration.attendance == Registration.Attendance.ONLINE
        )
        if not self.asks_in_person:
            del self.fields["dietary_needs"]

        languages = edition.interpretation_languages or []
        if languages:
            self.fields["interpretation_language"].choices = [
                ("", _("None needed")),
                *[(code, language_name(code)) for code in languages],
            ]
        else:
            del self.fields["interpretation_language"]
        if registration is not None:
            del self.fields["consent"]
        self.questions = self._asked(questions)
        by_pk = {question.pk: question for question in self.questions}
        for question in self.questions:
            # A choice no longer offered that the person picked before stays theirs.
            held = answered.get(question.pk, "").splitlines()
            field = self._question_field(question, held)
            if question.is_conditional:
                field.bound_field_class = AskedWhenItAppliesBoundField
                field.help_text = format_html_join(
                    " ",
                    "{}",
                    (
                        (part,)
                        for part in (
                            field.help_text,
                            condition_note(question, by_pk.get(question.depends_on_id)),
                        )
                        if part
                    ),
                )
                field.error_messages["required"] = _(
                    "This question applies to you: please answer it."
                )
            self.fields[self.question_field(question)] = field
        # The tick boxes of the apps built on registration (``extensions``): an option
        # for in-person attendance only is not offered where nobody attends in person.
        self.options = [
            option for option in options if self.asks_in_person or not option.in_person_only
        ]
        for option in self.options:
            self.fields[option.name] = forms.BooleanField(
                label=option.label, help_text=option.help_text, required=False
            )
        if "consent" in self.fields:
            # The agreement comes last, after everything it applies to. The documents
            # open in a new tab so that nothing typed in this form is lost.
            self.fields["consent"] = self.fields.pop("consent")
            self.fields["consent"].help_text = format_html(
                '<a href="{}" target="_blank" rel="noopener">{}</a> · '
                '<a href="{}" target="_blank" rel="noopener">{}</a>',
                reverse("privacy"),
                _("Read the privacy notice (opens in a new tab)"),
                reverse("code_of_conduct"),
                _("Read the code of conduct (opens in a new tab)"),
            )
        self.helper = self._layout()

    def _asked(self, questions: list[Question]) -> list[Question]:
        """The questions this form can ask: those of an attendance it offers, and whose
        controlling question it asks (a question after an in-person question is not on
        the edit page of an online registration either)."""
        offered = {value for value, _label in self.fields["attendance"].choices}
        if not self.asks_in_person:
            offered.discard(Registration.Attendance.IN_PERSON)
        by_pk = {question.pk: question for question in questions}
        decided: dict[int, bool] = {}

        def asked(question: Question, depth: int = 0) -> bool:
            if question.pk not in decided:
                controller = by_pk.get(question.depends_on_id)
                decided[question.pk] = (
                    (not question.attendance or question.attendance in offered)
                    and depth <= len(questions)  # a circle of conditions asks nothing
                    and (
                        question.depends_on_id is None
                        or (controller is not None and asked(controller, depth + 1))
                    )
                )
            return decided[question.pk]

        return [question for question in questions if asked(question)]

    def _layout(self) -> FormHelper:
        """The fields in order, each conditional one in a wrapper naming its condition
        for static/registration/conditions.js: ``data-attendance`` (the way of attending
        it is asked of), ``data-depends-on`` (the field of the question it follows) and
        ``data-shown-for`` (the answers that show it, separated by spaces)."""
        conditional = {
            self.question_field(question): question
            for question in self.questions
            if question.is_conditional
        }
        items = []
        for name in self.fields:
            question = conditional.get(name)
            if name == "dietary_needs":
                items.append(
                    Div(name, data_asked_when="", data_field=name, data_attendance="in_person")
                )
            elif question is not None:
                condition = {"data_asked_when": "", "data_field": name}
                if question.attendance:
                    condition["data_attendance"] = question.attendance
                if question.depends_on_id is not None:
                    condition["data_depends_on"] = f"question_{question.depends_on_id}"
                    condition["data_shown_for"] = " ".join(question.shown_for)
                items.append(Div(name, **condition))
            else:
                items.append(name)
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        helper.layout = Layout(*items)
        return helper

    @property
    def has_conditions(self) -> bool:
        return "dietary_needs" in self.fields or any(q.is_conditional for q in self.questions)

    @staticmethod
    def question_field(question: Question) -> str:
        return question.field_name

    @staticmethod
    def _question_field(question: Question, held: list[str]) -> forms.Field:
        # The organisers' words, in the language they wrote them in (English when a
        # translation is missing): isolated, so that an English question keeps its "?" at
        # its end on a right-to-left page.
        common = {
            "label": format_html("<bdi>{}</bdi>", question.label),
            "help_text": format_html("<bdi>{}</bdi>", question.help_text)
            if question.help_text
            else "",
            "required": question.required,
        }
        if question.has_choices:
            # The value sent is the choice's key; the wording is the page's language.
            choices = [(choice.key, choice.label) for choice in question.offered_choices()]
            offered = {key for key, _label in choices}
            wording = {choice.key: choice.label for choice in question.choices.all()}
            choices += [(v, wording.get(v, v)) for v in held if v not in offered]
            common["error_messages"] = {"invalid_choice": NOT_OFFERED}
            if question.kind == Question.Kind.CHOICE:
                return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
            return forms.MultipleChoiceField(
                choices=choices, widget=forms.CheckboxSelectMultiple, **common
            )
        if question.kind == Question.Kind.YES_NO:
            return forms.ChoiceField(
                choices=[("yes", _("Yes")), ("no", _("No"))], widget=forms.RadioSelect, **common
            )
        return forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), **common)

    def _initial_answers(self, values: dict[int, str], questions: list[Question]) -> dict:
        initial = {}
        for question in questions:
            value = values.get(question.pk)
            if value is None:
                continue
            if question.kind == Question.Kind.MULTIPLE:
                initial[self.question_field(question)] = value.splitlines()
            else:
                initial[self.question_field(question)] = value
        return initial

    def full_clean(self):
        """Decide which questions apply from what was sent, before the fields are
        checked: one that does not apply is not required, whatever the organisers made
        it, and nothing sent for it is checked (``clean`` discards it)."""
        self.shown: set[int] = set()
        if self.is_bound:
            sent = {
                question.pk: self[self.question_field(question)].data
                for question in self.questions
            }
            self.shown = conditions.applicable(
                self.questions, attendance=self["attendance"].data, answers=sent
            )
            for question in self.questions:
                if question.pk not in self.shown:
                    self.fields[self.question_field(question)].required = False
        super().full_clean()

    def clean_edition(self) -> int:
        if self.cleaned_data["edition"] != self.edition.pk:
            raise forms.ValidationError(
                _("This form belongs to another edition. Please check the page and send it again.")
            )
        return self.cleaned_data["edition"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("attendance") == Registration.Attendance.ONLINE:
            cleaned["dietary_needs"] = ""
            for option in self.options:
                if option.in_person_only:
                    cleaned[option.name] = False
        for question in self.questions:
            if question.pk in self.shown:
                continue
            # Not asked of this person: what was sent for it (kept on the page, should
            # the form come back) is neither checked nor stored.
            name = self.question_field(question)
            self.errors.pop(name, None)
            cleaned[name] = [] if question.kind == Question.Kind.MULTIPLE else ""
        return cleaned

    def answers(self) -> dict[int, str | list[str]]:
        return {
            question.pk: self.cleaned_data.get(self.question_field(question)) or ""
            for question in self.questions
        }

    def chosen_options(self, registration: Registration) -> list[FormOption]:
        """The options ticked that apply to the registration as it was stored."""
        return [
            option
            for option in self.options
            if self.cleaned_data.get(option.name) and option.applies_to(registration)
        ]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "attendance": data["attendance"],
            "interpretation_language": data.get("interpretation_language") or "",
            "accessibility_needs": data.get("accessibility_needs") or "",
            "dietary_needs": data.get("dietary_needs") or "",
            "answers": self.answers(),
        }


class CancelForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, cancel my registration"),
        required=True,
        error_messages={"required": _("Tick the box to confirm the cancellation.")},
    )


class CheckInSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Ticket code, name, organisation or email"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )
