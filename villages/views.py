import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files import File
from django.shortcuts import redirect, render

from pingan.responses import xlsx_download
from pingan.sheets import SheetRefused, write_table
from villages.imports import EXAMPLE, HEADERS, export_rows, import_villages
from villages.rules import require_permission
from villages.selectors import access_village_by_id, village_history, visible_villages


@login_required
def village_list(request):
    villages = list(visible_villages(request.user))
    return render(
        request,
        "villages/village_list.html",
        {
            "villages": villages,
            "active_count": sum(1 for v in villages if v.is_active),
        },
    )


@login_required
def village_detail(request, village_id):
    village = access_village_by_id(request.user, village_id)
    return render(
        request,
        "villages/village_detail.html",
        {"village": village, "events": village_history(village)},
    )


IMPORT_SESSION_KEY = "village_import"


def _staged_path(token):
    return Path(settings.MEDIA_ROOT) / "imports" / f"{token}.xlsx"


@login_required
def village_import(request):
    """Upload → preview (nothing written) → confirm (the same file, for real)."""
    require_permission(request.user, "villages.import_villages")
    context = {}
    if request.method == "POST" and "confirm" in request.POST:
        staged = request.session.get(IMPORT_SESSION_KEY) or {}
        path = _staged_path(staged.get("token", "missing"))
        if staged.get("token") != request.POST.get("token") or not path.exists():
            messages.error(request, "预览已失效，请重新上传。")
            return redirect("villages:import")
        with path.open("rb") as stream:
            upload = File(stream, name=staged["name"])
            upload.size = path.stat().st_size
            try:
                summary = import_villages(
                    actor=request.user, upload=upload, dry_run=False, source=staged["name"]
                )
            except SheetRefused as error:
                context["problems"] = error.problems
            else:
                messages.success(
                    request,
                    f"导入完成：区划新增{summary.regions['新增']}个、更新{summary.regions['更新']}个；"
                    f"村(社区)新增{summary.villages['新增']}个、更新{summary.villages['更新']}个。",
                )
                path.unlink()
                del request.session[IMPORT_SESSION_KEY]
                return redirect("villages:list")
    elif request.method == "POST":
        upload = request.FILES.get("file")
        try:
            summary = import_villages(actor=request.user, upload=upload, dry_run=True)
        except SheetRefused as error:
            context["problems"] = error.problems
        else:
            token = uuid.uuid4().hex
            path = _staged_path(token)
            path.parent.mkdir(parents=True, exist_ok=True)
            upload.seek(0)
            path.write_bytes(upload.read())
            request.session[IMPORT_SESSION_KEY] = {"token": token, "name": upload.name}
            context.update(summary=summary, token=token)
    return render(
        request,
        "villages/village_import.html",
        context,
        status=400 if context.get("problems") else 200,
    )


@login_required
def village_import_template(request):
    require_permission(request.user, "villages.import_villages")
    return xlsx_download(write_table("村(社区)", HEADERS, [EXAMPLE]), "村(社区)导入模板.xlsx")


@login_required
def village_export(request):
    villages = visible_villages(request.user)
    return xlsx_download(
        write_table("村(社区)", HEADERS, export_rows(villages)), "村(社区)名录.xlsx"
    )
