import datetime

import django.db.models.deletion
import django.utils.timezone
import django_countries.fields
from django.conf import settings
from django.db import migrations, models

# The models that move from gmc, named as content types.
MODELS = ["broadcast", "emailoptout", "emailtemplate", "reminderrule"]


def relabel_content_types(apps, schema_editor, old: str, new: str) -> None:
    """The models' content types (and so their permissions, the organisers' group that
    holds them, the admin's history and the outbox rows sent about a message) carry
    over from ``old`` to ``new``."""
    db = schema_editor.connection.alias
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        moving = ContentType.objects.using(db).filter(app_label=old, model=model)
        if not moving.exists():
            continue  # a new database: post_migrate creates them under mailings
        # A type already made under the new label (only by a migrate interrupted
        # between the two apps) holds nothing yet: it makes way for the old one.
        ContentType.objects.using(db).filter(app_label=new, model=model).delete()
        moving.update(app_label=new)


def gmc_to_mailings(apps, schema_editor):
    relabel_content_types(apps, schema_editor, "gmc", "mailings")


def mailings_to_gmc(apps, schema_editor):
    relabel_content_types(apps, schema_editor, "mailings", "gmc")


class Migration(migrations.Migration):
    """Takes over gmc's messaging models with their rows: created in the state only, over
    the tables gmc made, whose content types are relabelled, and which are then renamed
    to this app's names (a rename of the table, instant on PostgreSQL)."""

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("gmc", "0013_messaging_moves_to_mailings"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Broadcast',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('registration_status', models.CharField(blank=True, choices=[('confirmed', 'Confirmed'), ('waiting', 'On the waiting list'), ('cancelled', 'Cancelled')], help_text='Empty: everyone registered (confirmed or waiting).', max_length=10, verbose_name='registration status')),
                        ('attendance', models.CharField(blank=True, choices=[('in_person', 'In person'), ('online', 'Online')], max_length=10, verbose_name='attendance')),
                        ('country', django_countries.fields.CountryField(blank=True, max_length=2, verbose_name='country')),
                        ('organisation_type', models.CharField(blank=True, choices=[('university', 'University'), ('platform', 'Online-learning platform'), ('international', 'International organisation'), ('government', 'Government agency'), ('research', 'Research institute'), ('company', 'Company'), ('other', 'Other')], max_length=20, verbose_name='organisation type')),
                        ('declaration_status', models.CharField(blank=True, choices=[('sent', 'Sent declaration input'), ('draft', 'Has a declaration draft'), ('none', 'Has not started declaration input')], max_length=10, verbose_name='declaration input')),
                        ('check_in', models.CharField(blank=True, choices=[('checked_in', 'Checked in'), ('not_checked_in', 'Registered but not checked in')], max_length=20, verbose_name='check-in')),
                        ('greeting', models.BooleanField(default=True, help_text="Each email then starts with “Dear {name},”, {name} being the recipient's name as shown on the site. Untick it to write your own greeting, or none.", verbose_name='Start with a greeting')),
                        ('subject', models.CharField(max_length=200, verbose_name='subject')),
                        ('body', models.TextField(help_text='Plain text; a blank line starts a new paragraph.', verbose_name='message')),
                        ('status', models.CharField(choices=[('draft', 'Draft'), ('sending', 'Being queued'), ('queued', 'Queued for everyone')], default='draft', max_length=10, verbose_name='status')),
                        ('recipient_count', models.PositiveIntegerField(default=0, verbose_name='recipients when sent')),
                        ('last_queued_user_id', models.BigIntegerField(default=0, editable=False)),
                        ('tests_sent', models.PositiveIntegerField(default=0, verbose_name='tests sent')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent')),
                        ('queued_at', models.DateTimeField(blank=True, null=True, verbose_name='queued for everyone')),
                        ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='written by')),
                        ('edition', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='gmc.edition', verbose_name='edition')),
                    ],
                    options={
                        'db_table': 'gmc_broadcast',
                        'verbose_name': 'message to participants',
                        'verbose_name_plural': 'messages to participants',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='EmailTemplate',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(max_length=100, verbose_name='email')),
                        ('language', models.CharField(max_length=10, verbose_name='language')),
                        ('subject', models.CharField(max_length=255, verbose_name='subject')),
                        ('text', models.TextField(verbose_name='plain text')),
                        ('html', models.TextField(blank=True, help_text="The body only; it is placed in the site's email layout. Empty: the plain text is shown, paragraph by paragraph.", verbose_name='HTML body')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                    ],
                    options={
                        'db_table': 'gmc_emailtemplate',
                        'verbose_name': 'email template',
                        'verbose_name_plural': 'email templates',
                        'ordering': ['kind', 'language'],
                        'constraints': [models.UniqueConstraint(fields=('kind', 'language'), name='one_email_template_per_kind_and_language', violation_error_message='This email already has a template in that language.')],
                    },
                ),
                migrations.CreateModel(
                    name='EmailOptOut',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('category', models.CharField(choices=[('reminders', 'Reminders before deadlines and sessions'), ('announcements', 'Messages from the organisers'), ('programme_changes', 'A session in my agenda moves')], max_length=20, verbose_name='category')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='since')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='email_opt_outs', to=settings.AUTH_USER_MODEL, verbose_name='person')),
                    ],
                    options={
                        'db_table': 'gmc_emailoptout',
                        'verbose_name': 'email opt-out',
                        'verbose_name_plural': 'email opt-outs',
                        'constraints': [models.UniqueConstraint(fields=('user', 'category'), name='one_opt_out_per_category')],
                    },
                ),
                migrations.CreateModel(
                    name='ReminderRule',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=200, verbose_name='name')),
                        ('event', models.CharField(choices=[('registration_closes', 'Registration closes'), ('declaration_closes', 'Declaration input closes'), ('conference_starts', 'The conference starts'), ('session_starts', 'A starred session starts')], max_length=30, verbose_name='event')),
                        ('offset', models.DurationField(verbose_name='how long before')),
                        ('audience', models.CharField(choices=[('not_registered', 'Verified accounts not registered for the edition'), ('registered', 'Registered participants (confirmed or waiting)'), ('confirmed', 'Confirmed attendees'), ('without_submission', 'Registered participants who have not sent declaration input'), ('with_draft', 'Registered participants with a declaration draft'), ('starred', 'Confirmed attendees who starred the session')], max_length=30, verbose_name='recipients')),
                        ('attendance', models.CharField(blank=True, choices=[('in_person', 'In person'), ('online', 'Online')], help_text='Only people attending this way; empty for everyone.', max_length=10, verbose_name='attendance')),
                        ('kind', models.CharField(help_text='Which email is sent; its wording is edited under “Email templates”.', max_length=100, verbose_name='email')),
                        ('subject', models.CharField(blank=True, help_text='Empty: the subject of the chosen email.', max_length=255, verbose_name='own subject')),
                        ('text', models.TextField(blank=True, help_text='Empty: the text of the chosen email. Written here, it replaces that text for this rule only (for example a travel check before the conference).', verbose_name='own text')),
                        ('is_active', models.BooleanField(default=True, verbose_name='active')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                        ('edition', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reminder_rules', to='gmc.edition', verbose_name='edition')),
                    ],
                    options={
                        'db_table': 'gmc_reminderrule',
                        'verbose_name': 'reminder rule',
                        'verbose_name_plural': 'reminder rules',
                        'ordering': ['edition', 'event', '-offset'],
                        'constraints': [models.UniqueConstraint(fields=('edition', 'name'), name='reminder_rule_unique_name_per_edition', violation_error_message='This edition already has a rule of that name.'), models.CheckConstraint(condition=models.Q(('offset__gte', datetime.timedelta(0))), name='reminder_rule_offset_not_negative', violation_error_message='A reminder is sent before the event, not after.')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(gmc_to_mailings, mailings_to_gmc),
        migrations.AlterModelTable(name="broadcast", table=None),
        migrations.AlterModelTable(name="emailtemplate", table=None),
        migrations.AlterModelTable(name="emailoptout", table=None),
        migrations.AlterModelTable(name="reminderrule", table=None),
    ]
