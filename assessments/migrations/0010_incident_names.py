from django.db import migrations

# The 五个不发生 items named as the standard words them ("不发生重大刑事案件") read as their
# opposite on an incident; an incident is named by what happened. Names an administrator has
# already changed are left alone.
RENAMED = {
    "five-major-criminal": ("不发生重大刑事案件", "重大刑事案件"),
    "five-mass-incident": ("不发生重大群体性事件", "重大群体性事件"),
    "five-safety-accident": ("不发生重大安全生产事故", "重大安全生产事故"),
    "five-public-safety": ("不发生重大公共安全事件", "重大公共安全事件"),
    "five-stability": ("不发生造成重大影响的涉稳事件", "造成重大影响的涉稳事件"),
}


def rename(apps, schema_editor, forward=True):
    categories = apps.get_model("assessments", "IncidentCategory")
    for code, (old, new) in RENAMED.items():
        before, after = (old, new) if forward else (new, old)
        categories.objects.filter(code=code, name=before).update(name=after)


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0009_returns_and_reminders")]

    operations = [migrations.RunPython(rename, rename_back)]
