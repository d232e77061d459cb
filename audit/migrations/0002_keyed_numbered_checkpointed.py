import django.db.models.deletion
from django.db import migrations, models


def number_earlier_entries(apps, schema_editor):
    """Entries written before the key existed keep their plain SHA-256 chain, marked as such,
    and are numbered in the order they were written."""
    entries = apps.get_model("audit", "AuditEntry")
    heads = apps.get_model("audit", "AuditHead")
    count = 0
    for count, entry in enumerate(entries.objects.order_by("id").iterator(), start=1):
        entries.objects.filter(pk=entry.pk).update(sequence=count, algorithm="sha256")
    heads.objects.filter(pk=1).update(count=count)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("villages", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="sequence",
            field=models.PositiveBigIntegerField(null=True, verbose_name="序号"),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="algorithm",
            field=models.CharField(
                choices=[("hmac-sha256", "HMAC-SHA256"), ("sha256", "SHA-256(无密钥，早期记录)")],
                default="hmac-sha256",
                max_length=12,
                verbose_name="摘要算法",
            ),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="village",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="villages.village",
                verbose_name="所涉村(社区)",
            ),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="region",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="villages.region",
                verbose_name="所涉区划",
            ),
        ),
        migrations.AddField(
            model_name="audithead",
            name="count",
            field=models.PositiveBigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="audithead",
            name="checkpointed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.CreateModel(
            name="AuditCheckpoint",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("sequence", models.PositiveBigIntegerField(verbose_name="截至序号")),
                ("entry_hash", models.CharField(max_length=64, verbose_name="截至摘要")),
                ("signed_at", models.DateTimeField(verbose_name="签署时间")),
                ("signature", models.CharField(max_length=128, verbose_name="签名(Ed25519)")),
                ("reason", models.CharField(max_length=200, verbose_name="缘由")),
            ],
            options={
                "verbose_name": "审计检查点",
                "verbose_name_plural": "审计检查点",
                "ordering": ["sequence", "id"],
            },
        ),
        migrations.RunPython(number_earlier_entries, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditentry",
            name="sequence",
            field=models.PositiveBigIntegerField(unique=True, verbose_name="序号"),
        ),
        migrations.AlterModelOptions(
            name="auditentry",
            options={
                "ordering": ["sequence"],
                "verbose_name": "审计日志",
                "verbose_name_plural": "审计日志",
            },
        ),
    ]
