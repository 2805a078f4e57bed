"""Forms of declaration input: validation and cleaning only."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import linebreaks_filter
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import files
from .models import Submission, Tag, Topic, count_words
from .services import topic_field


def _topic_help(topic: Topic) -> str:
    parts = [format_html("<strong>{}</strong>", topic.guiding_question)]
    if topic.help_text:
        parts.append(linebreaks_filter(topic.help_text, autoescape=True))
    parts.append(
        format_html(
            '<span class="word-limit">{}</span>',
            ngettext("Up to %(limit)s word.", "Up to %(limit)s words.", topic.word_limit)
            % {"limit": topic.word_limit},
        )
    )
    return format_html_join(" ", "{}", ((part,) for part in parts))


class SubmissionForm(forms.Form):
    """Answers to the call's topics, consent, and optionally one new file or link."""

    quote_consent = forms.ChoiceField(
        label=_("May we quote your input in the declaration and its compilation?"),
        choices=Submission.QuoteConsent.choices,
        widget=forms.RadioSelect,
    )
    showcase_consent = forms.BooleanField(
        label=_(
            "My answer on good practices may be published on the conference website as a "
            "good-practice case (signed as chosen above)."
        ),
        required=False,
    )
    attachment = forms.FileField(
        label=_("Add a file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": files.ACCEPT_ATTRIBUTE}),
    )
    attachment_title = forms.CharField(
        label=_("Title of the file or link"), max_length=200, required=False
    )
    link = forms.URLField(
        label=_("Or add a link (for example to a video too large to upload)"),
        max_length=500,
        required=False,
        assume_scheme="https",
    )

    def __init__(self, *args, topics: list[Topic], **kwargs):
        super().__init__(*args, **kwargs)
        self.topics = topics
        topic_fields = {}
        for topic in topics:
            topic_fields[topic_field(topic)] = forms.CharField(
                label=_("Your answer on “%(topic)s”") % {"topic": topic.title},
                required=False,
                help_text=_topic_help(topic),
                widget=forms.Textarea(
                    attrs={
                        "rows": 8,
                        "data-word-limit": topic.word_limit,
                        # Filled in by the page's word counter while typing.
                        "data-word-count-label": _("%(count)s of %(limit)s words"),
                    }
                ),
            )
        # Topics first, in their order, then consent and attachments.
        self.fields = {**topic_fields, **self.fields}
        self.fields["attachment"].help_text = _(
            "PDF, Word, PowerPoint, Excel, OpenDocument, JPEG, PNG, WebP, MP4 or WebM, "
            "without macros; up to %(file)s MB a file, %(count)s files and %(total)s MB in "
            "all. Photos are re-saved without their location, camera data or comments."
        ) % {
            "file": settings.DECLARATION_MAX_FILE_MB,
            "count": settings.DECLARATION_MAX_FILES,
            "total": settings.DECLARATION_MAX_SUBMISSION_MB,
        }

    def topic_fields(self) -> list[tuple[Topic, forms.BoundField]]:
        return [(topic, self[topic_field(topic)]) for topic in self.topics]

    def other_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if not name.startswith("topic_")]

    def clean(self):
        cleaned = super().clean()
        for topic in self.topics:
            name = topic_field(topic)
            words = count_words(cleaned.get(name) or "")
            if words > topic.word_limit:
                self.add_error(
                    name,
                    _("%(count)s words: the limit for this topic is %(limit)s.")
                    % {"count": words, "limit": topic.word_limit},
                )
        return cleaned

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if not upload:
            return None
        try:
            return files.check_upload(upload)
        except files.UploadRefused as refused:
            raise forms.ValidationError(refused.message, code="refused") from refused

    def answers(self) -> dict[int, str]:
        return {topic.pk: self.cleaned_data.get(topic_field(topic), "") for topic in self.topics}


class PublishDeclarationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    text = forms.CharField(
        label=_("Text of the adopted declaration"),
        widget=forms.Textarea(attrs={"rows": 20}),
        help_text=_("Published as the declaration's summary on the publications page."),
    )
    published_on = forms.DateField(
        label=_("Date of adoption"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class TopicChoiceForm(forms.Form):
    """The review page's topic selector (GET)."""

    topic = forms.ModelChoiceField(queryset=Topic.objects.none(), label=_("Topic"))

    def __init__(self, *args, topics, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = topics


class TagActionForm(forms.Form):
    """The admin's "add tag" / "remove tag" intermediate choice."""

    tags = forms.ModelMultipleChoiceField(queryset=Tag.objects.all(), label=_("Tags"))
