from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('registration', '0006_answers_keep_choice_keys'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='question',
            name='old_choices',
        ),
    ]
