# Each line of a question's old choices becomes a Choice row (its text as the English
# wording, a key made from it), and each answer to a choice question that kept a
# choice's text keeps its key instead. An answer line that matches no choice (the
# wording was changed after it was given) stays as it is, readable as before.
# Reversing writes the English wordings back as lines and the answers as those wordings.

from django.db import migrations
from django.utils.text import slugify

CHOICE_KINDS = ("choice", "multiple")


def new_key(label: str, taken: set[str]) -> str:
    """registration.models.choice_key as it was when this migration was written."""
    base, limit = slugify(label), 46
    if len(base) > limit:
        cut = base[: limit + 1]
        base = cut.rsplit("-", 1)[0] if "-" in cut else base[:limit]
    base = base.strip("-") or "choice"
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    return key


def folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def lines_to_rows(apps, schema_editor):
    Question = apps.get_model("registration", "Question")
    Choice = apps.get_model("registration", "Choice")
    Answer = apps.get_model("registration", "Answer")
    for question in Question.objects.exclude(old_choices="").order_by("pk"):
        keys: dict[str, str] = {}  # text -> key
        for line in question.old_choices.splitlines():
            text = line.strip()
            if not text or text in keys:
                continue
            keys[text] = new_key(text, set(keys.values()))
            Choice.objects.create(
                question=question, key=keys[text], label=text, label_en=text, order=len(keys)
            )
        if question.kind not in CHOICE_KINDS:
            continue
        loosely = {folded(text): key for text, key in keys.items()}
        for answer in Answer.objects.filter(question=question).exclude(value=""):
            lines = [line for line in answer.value.splitlines() if line.strip()]
            found = [keys.get(line.strip()) or loosely.get(folded(line)) for line in lines]
            if not any(found):
                continue  # nothing to map: the answer stays exactly as it was
            answer.value = "\n".join(key or line for key, line in zip(found, lines, strict=True))
            answer.save(update_fields=["value"])


def rows_to_lines(apps, schema_editor):
    Question = apps.get_model("registration", "Question")
    Answer = apps.get_model("registration", "Answer")
    for question in Question.objects.filter(choices__isnull=False).distinct():
        wording = {
            choice.key: choice.label_en or choice.label
            for choice in question.choices.order_by("order", "pk")
        }
        question.old_choices = "\n".join(wording.values())
        question.save(update_fields=["old_choices"])
        if question.kind not in CHOICE_KINDS:
            continue
        for answer in Answer.objects.filter(question=question).exclude(value=""):
            lines = [wording.get(line, line) for line in answer.value.splitlines() if line]
            answer.value = "\n".join(lines)
            answer.save(update_fields=["value"])


class Migration(migrations.Migration):

    dependencies = [
        ('registration', '0005_choices_with_keys'),
    ]

    operations = [
        migrations.RunPython(lines_to_rows, rows_to_lines),
    ]
