# The choices of a question become rows with a key and a wording per language. The old
# one-a-line text column is kept under another name until 0006 has copied it into rows.

import django.db.models.deletion
from django.db import migrations, models

LABEL = {"max_length": 200, "verbose_name": "choice"}


class Migration(migrations.Migration):

    dependencies = [
        ('registration', '0004_questions_per_language'),
    ]

    operations = [
        migrations.RenameField(
            model_name='question',
            old_name='choices',
            new_name='old_choices',
        ),
        migrations.CreateModel(
            name='Choice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.SlugField(blank=True, help_text='What the answers keep: set when the choice is added and never changed. Left empty, it is made from the English wording.', verbose_name='key')),
                ('label', models.CharField(**LABEL)),
                ('label_en', models.CharField(null=True, **LABEL)),
                ('label_es', models.CharField(null=True, **LABEL)),
                ('label_fr', models.CharField(null=True, **LABEL)),
                ('label_zh_hans', models.CharField(null=True, **LABEL)),
                ('label_ru', models.CharField(null=True, **LABEL)),
                ('label_ar', models.CharField(null=True, **LABEL)),
                ('label_vi', models.CharField(null=True, **LABEL)),
                ('offered', models.BooleanField(default=True, help_text='Untick to stop offering it: the answers that picked it keep it.', verbose_name='offered')),
                ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                ('question', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='choices', to='registration.question', verbose_name='question')),
            ],
            options={
                'verbose_name': 'choice',
                'verbose_name_plural': 'choices',
                'ordering': ['question', 'order', 'pk'],
                'constraints': [models.UniqueConstraint(fields=('question', 'key'), name='one_key_per_choice_of_a_question', violation_error_message='Another choice of this question has this key.'), models.CheckConstraint(condition=models.Q(('key', ''), _negated=True), name='choice_has_a_key')],
            },
        ),
    ]
