# A question asked of in-person attendees only is now one asked of the in-person
# attendance (``attendance``), beside the online attendance and everyone; and a question
# may be asked only after given answers to an earlier one (``depends_on``, ``shown_for``).
# Reversing keeps "in person only" and drops the conditions.

import django.db.models.deletion
from django.db import migrations, models


def in_person_only_to_attendance(apps, schema_editor):
    Question = apps.get_model("registration", "Question")
    Question.objects.filter(in_person_only=True).update(attendance="in_person")


def attendance_to_in_person_only(apps, schema_editor):
    Question = apps.get_model("registration", "Question")
    Question.objects.filter(attendance="in_person").update(in_person_only=True)


class Migration(migrations.Migration):

    dependencies = [
        ('registration', '0008_registration_joined_online'),
    ]

    operations = [
        migrations.AddField(
            model_name='question',
            name='attendance',
            field=models.CharField(blank=True, choices=[('', 'Everyone'), ('in_person', 'Only people attending in person'), ('online', 'Only people attending online')], help_text='E.g. the conference dinner for people who come in person. The answers of someone who changes the way they attend are cleared.', max_length=10, verbose_name='asked of'),
        ),
        migrations.AddField(
            model_name='question',
            name='depends_on',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.RESTRICT, related_name='dependents', to='registration.question', verbose_name='asked only after an answer to'),
        ),
        migrations.AddField(
            model_name='question',
            name='shown_for',
            field=models.JSONField(blank=True, default=list, help_text='The keys of the answers of the question it depends on that show it.', verbose_name='answers that show it'),
        ),
        migrations.RunPython(in_person_only_to_attendance, attendance_to_in_person_only),
        migrations.RemoveField(
            model_name='question',
            name='in_person_only',
        ),
    ]
