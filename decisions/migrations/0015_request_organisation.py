"""Each share request keeps its case's organisation, for the (status, organisation) index that
the approval queue reads. Added empty, filled from the cases in one UPDATE, then required."""

import django.db.models.deletion
from django.db import migrations, models

FILL = (
    "UPDATE decisions_sharerequest SET organisation_id = ("
    "SELECT organisation_id FROM decisions_case WHERE decisions_case.id = "
    "decisions_sharerequest.case_id)"
)


def fill_organisation(apps, schema_editor):
    schema_editor.execute(FILL)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('decisions', '0014_open_requests_index'),
    ]

    operations = [
        migrations.AddField(
            model_name='sharerequest',
            name='organisation',
            field=models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.organisation'),
        ),
        migrations.RunPython(fill_organisation, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name='sharerequest',
            name='organisation',
            field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.organisation'),
        ),
        migrations.AddIndex(
            model_name='sharerequest',
            index=models.Index(fields=['status', 'organisation'], name='request_status_organisation'),
        ),
    ]
