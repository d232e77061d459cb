from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from audit.trail import record
from pingan.pagination import page_of
from pingan.responses import xlsx_download
from pingan.sheets import SheetRefused, StagedUploads, write_table
from villages.imports import EXAMPLE, HEADERS, export_rows, import_villages
from villages.rules import require_permission
from villages.selectors import (
    access_village_by_id,
    register_rows,
    village_history,
    visible_villages,
)


@login_required
def village_list(request):
    villages = visible_villages(request.user)
    page = page_of(request, villages)
    return render(
        request,
        "villages/village_list.html",
        {
            "villages": page,
            "rows": register_rows(page),
            "active_count": villages.filter(is_active=True).count(),
        },
    )


@login_required
def village_detail(request, village_id):
    village = access_village_by_id(request.user, village_id)
    (row,) = register_rows([village])
    return render(
        request,
        "villages/village_detail.html",
        {"village": village, "row": row, "events": village_history(village)},
    )


@login_required
def village_import(request):
    """Upload → preview (nothing written) → confirm (the same file, for real)."""
    require_permission(request.user, "villages.import_villages")
    staged = StagedUploads(request, "villages")
    context = {}
    if request.method == "POST" and "confirm" in request.POST:
        token = request.POST.get("token")
        upload = staged.take(token)
        if upload is None:
            messages.error(request, "预览已失效，请重新上传。")
            return redirect("villages:import")
        try:
            summary = import_villages(
                actor=request.user, upload=upload, dry_run=False, source=upload.name
            )
        except SheetRefused as error:
            context["problems"] = error.problems
        else:
            staged.discard(token)
            record(
                action="import.villages",
                actor=request.user,
                after={
                    "file": upload.name,
                    "regions": summary.regions,
                    "villages": summary.villages,
                },
            )
            messages.success(
                request,
                f"导入完成：区划新增{summary.regions['新增']}个、更新{summary.regions['更新']}个；"
                f"村(社区)新增{summary.villages['新增']}个、更新{summary.villages['更新']}个。",
            )
            return redirect("villages:list")
    elif request.method == "POST":
        upload = request.FILES.get("file")
        try:
            summary = import_villages(actor=request.user, upload=upload, dry_run=True)
        except SheetRefused as error:
            context["problems"] = error.problems
        else:
            context.update(summary=summary, token=staged.keep(upload))
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
    record(action="export.villages", actor=request.user)
    return xlsx_download(
        write_table("村(社区)", HEADERS, export_rows(villages)), "村(社区)名录.xlsx"
    )
