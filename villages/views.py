from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from audit.trail import record
from pingan.errors import InvalidInput, InvalidTransition
from pingan.pagination import page_of
from pingan.responses import xlsx_download
from pingan.sheets import SheetRefused, StagedUploads, write_table
from villages import services
from villages.forms import GridForm, TeamMemberForm
from villages.imports import EXAMPLE, HEADERS, export_rows, import_villages
from villages.rules import require_permission
from villages.selectors import (
    access_village_by_id,
    grids_of,
    register_rows,
    team_of,
    village_history,
    visible_villages,
)
from villages.team_imports import EXAMPLE as TEAM_EXAMPLE
from villages.team_imports import HEADERS as TEAM_HEADERS
from villages.team_imports import existing_accounts, import_team


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


class PasswordChange(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"

    def form_valid(self, form):
        user = services.change_own_password(
            actor=self.request.user, new_password=form.cleaned_data["new_password1"]
        )
        update_session_auth_hash(self.request, user)
        messages.success(self.request, "密码已修改，请牢记新密码。")
        return redirect("home")


POSTS = ("村两委委员", "网格员", "辅警", "治保调解主任", "法律顾问", "志愿者队伍负责人")


@login_required
@never_cache
def team(request, village_id):
    """The village's team and grids. A new member's one-time password is shown on this
    answer only, never stored or shown again."""
    village = access_village_by_id(request.user, village_id)
    require_permission(request.user, "villages.manage_team", village)
    action = request.POST.get("action") if request.method == "POST" else None
    member_form = TeamMemberForm(request.POST if action == "member" else None)
    grid_form = GridForm(
        request.POST if action == "grid" else None, team=team_of(village), prefix="grid"
    )
    context = {}
    try:
        if action == "member" and member_form.is_valid():
            membership, password = services.add_team_member(
                actor=request.user, village_id=village.pk, **member_form.cleaned_data
            )
            context["added"] = membership
            context["password"] = password
            member_form = TeamMemberForm()
        elif action == "grid" and grid_form.is_valid():
            grid = services.save_grid(
                actor=request.user,
                village_id=village.pk,
                name=grid_form.cleaned_data["name"],
                households=grid_form.cleaned_data["households"],
                grid_worker_id=grid_form.cleaned_data["grid_worker"],
            )
            messages.success(request, f"网格“{grid.name}”已保存。")
            return redirect("villages:team", village.pk)
    except (InvalidInput, InvalidTransition) as error:
        (member_form if action == "member" else grid_form).add_error(None, error.message)
    failed = member_form.errors or grid_form.errors
    return render(
        request,
        "villages/team.html",
        {
            "village": village,
            "members": team_of(village, include_former=True),
            "grids": grids_of(village),
            "member_form": member_form,
            "grid_form": grid_form,
            "posts": POSTS,
            **context,
        },
        status=400 if failed else 200,
    )


@login_required
@require_POST
def team_member_end(request, village_id, membership_id):
    village = access_village_by_id(request.user, village_id)
    require_permission(request.user, "villages.manage_team", village)
    try:
        membership = services.end_team_membership(
            actor=request.user,
            membership_id=membership_id,
            village_id=village.pk,
            reason=request.POST.get("reason", ""),
        )
    except (InvalidInput, InvalidTransition) as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{membership.user.display_name}已移出工作人员名单。")
    return redirect("villages:team", village.pk)


@login_required
@never_cache
def team_import(request):
    """Upload → preview (nothing written) → confirm, which answers with the workbook of the
    one-time passwords: the only time they are shown."""
    require_permission(request.user, "villages.import_villages")
    if request.GET.get("template"):
        return xlsx_download(
            write_table("工作人员", TEAM_HEADERS, [TEAM_EXAMPLE]), "村(社区)工作人员导入模板.xlsx"
        )
    staged = StagedUploads(request, "team")
    context = {}
    if request.method == "POST" and "confirm" in request.POST:
        token = request.POST.get("token")
        upload = staged.take(token)
        if upload is None:
            messages.error(request, "预览已失效，请重新上传。")
            return redirect("villages:team_import")
        try:
            _rows, workbook = import_team(actor=request.user, upload=upload, dry_run=False)
        except SheetRefused as error:
            context["problems"] = error.problems
        else:
            staged.discard(token)
            return xlsx_download(workbook, "村(社区)工作人员账号.xlsx")
    elif request.method == "POST":
        upload = request.FILES.get("file")
        try:
            rows, _ = import_team(actor=request.user, upload=upload, dry_run=True)
        except SheetRefused as error:
            context["problems"] = error.problems
        else:
            context.update(rows=rows, existing=existing_accounts(rows), token=staged.keep(upload))
    return render(
        request,
        "villages/team_import.html",
        context,
        status=400 if context.get("problems") else 200,
    )
