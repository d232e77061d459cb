"""Town spot inspections, rectification orders and the 重点通报."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from assessments import services
from assessments.documents import rectification_notice_document
from assessments.forms import (
    BulletinForm,
    InspectionFindingForm,
    InspectionForm,
    RectificationReportForm,
    ReopenRectificationForm,
)
from assessments.models import DocumentKind, RectificationOrder
from assessments.selectors import (
    access_bulletin_by_id,
    access_inspection_by_id,
    access_order_by_id,
    criteria_of,
    document_setting,
    failing_reasons_of,
    open_orders_of,
    order_history,
    overdue_orders,
    visible_bulletins,
    visible_inspections,
    visible_orders,
    visible_recommendation_lists,
)
from pingan.errors import InvalidInput
from pingan.pagination import page_of
from pingan.pdf import render_pdf_once
from pingan.responses import pdf_download
from villages.models import Region
from villages.rules import require_permission
from villages.selectors import visible_villages


def _inspectable_villages(user):
    villages = visible_villages(user).filter(is_active=True)
    return villages.filter(
        pk__in=[v.pk for v in villages if user.has_perm("assessments.inspect_village", v)]
    )


@login_required
def inspection_list(request):
    require_permission(request.user, "assessments.list_inspections")
    return render(
        request,
        "assessments/inspection_list.html",
        {
            "inspections": page_of(request, visible_inspections(request.user)),
            "can_inspect": _inspectable_villages(request.user).exists(),
        },
    )


@login_required
def inspection_create(request):
    villages = _inspectable_villages(request.user)
    if not villages.exists():
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = InspectionForm(
        data,
        villages=villages,
        initial={"village": request.GET.get("village"), "inspected_on": timezone.localdate()},
    )
    town = villages.first().town
    standard = services.inspection_standard_for(town)
    rows = [
        (criterion, InspectionFindingForm(data, criterion=criterion, prefix=f"c{criterion.pk}"))
        for criterion in criteria_of(standard)
        if criterion.is_judged
    ]
    errors = []
    if request.method == "POST":
        if form.is_valid() and all(row_form.is_valid() for _, row_form in rows):
            findings = [f for _, row_form in rows if (f := row_form.finding()) is not None]
            try:
                inspection = services.record_inspection(
                    actor=request.user,
                    village_id=form.cleaned_data["village"].pk,
                    inspected_on=form.cleaned_data["inspected_on"],
                    inspectors=form.cleaned_data["inspectors"],
                    summary=form.cleaned_data["summary"],
                    findings=findings,
                )
            except InvalidInput as error:
                errors.append(error.message)
            else:
                opened = RectificationOrder.objects.filter(
                    inspection_finding__inspection=inspection
                ).count()
                messages.success(request, f"已录入抽查检查，下发限期整改通知 {opened} 份。")
                return redirect("assessments:inspection_detail", inspection.pk)
        else:
            errors.append("填写有误，请检查标红的内容。")
    return render(
        request,
        "assessments/inspection_form.html",
        {"form": form, "rows": rows, "errors": errors, "standard": standard},
        status=400 if errors else 200,
    )


@login_required
def inspection_detail(request, inspection_id):
    inspection = access_inspection_by_id(request.user, inspection_id)
    findings = inspection.findings.select_related("criterion__parent", "rectification_order")
    return render(
        request,
        "assessments/inspection_detail.html",
        {"inspection": inspection, "findings": findings, "today": timezone.localdate()},
    )


@login_required
def order_list(request):
    today = timezone.localdate()
    orders = page_of(request, visible_orders(request.user))
    for order in orders:
        order.overdue = order.is_overdue(today)
    return render(
        request,
        "assessments/order_list.html",
        {"orders": orders, "overdue_count": overdue_orders(request.user, today).count()},
    )


@login_required
def order_detail(request, order_id):
    order = access_order_by_id(request.user, order_id)
    if request.method == "POST":
        require_permission(request.user, "assessments.report_rectification", order)
        form = RectificationReportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.report_rectification(
                    actor=request.user,
                    order_id=order.pk,
                    report=form.cleaned_data["report"],
                    uploads=request.FILES.getlist("files"),
                )
            except InvalidInput as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, "整改情况已报告，等待镇平安办验收。")
                return redirect("assessments:order_detail", order.pk)
    else:
        form = RectificationReportForm()
    today = timezone.localdate()
    return render(
        request,
        "assessments/order_detail.html",
        {
            "order": order,
            "overdue": order.is_overdue(today),
            "history": order_history(order),
            "evidence": order.evidence.filter(withdrawn_at__isnull=True),
            "report_form": form,
            "reopen_form": ReopenRectificationForm(),
            "can_report": order.status == RectificationOrder.Status.OPEN
            and request.user.has_perm("assessments.report_rectification", order),
            "can_accept": order.status == RectificationOrder.Status.REPORTED
            and request.user.has_perm("assessments.accept_rectification", order),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def order_accept(request, order_id):
    order = access_order_by_id(request.user, order_id)
    services.accept_rectification(
        actor=request.user, order_id=order.pk, comment=request.POST.get("comment", "")
    )
    messages.success(request, "整改已验收。")
    return redirect("assessments:order_detail", order.pk)


@login_required
@require_POST
def order_reopen(request, order_id):
    order = access_order_by_id(request.user, order_id)
    form = ReopenRectificationForm(request.POST)
    if not form.is_valid():
        raise InvalidInput("请填写不通过原因和新的整改期限。")
    services.reopen_rectification(actor=request.user, order_id=order.pk, **form.cleaned_data)
    messages.success(request, "已退回继续整改。")
    return redirect("assessments:order_detail", order.pk)


def _bulletin_towns(user):
    towns = Region.objects.filter(level=Region.Level.TOWN).order_by("code")
    return [town for town in towns if user.has_perm("assessments.issue_bulletin", town)]


def _laggard_notes(town, today):
    """Why each village of the town might be named: overdue orders, late or failed results,
    as the bulletin's attachment will list them."""
    villages = list(town.villages.filter(is_active=True))
    orders = open_orders_of(villages)
    reasons = failing_reasons_of(villages, today)
    notes = {}
    for village in villages:
        overdue = sum(1 for order in orders.get(village.pk, []) if order.is_overdue(today))
        found = ([f"逾期未整改 {overdue} 项"] if overdue else []) + reasons.get(village.pk, [])
        if found:
            notes[village.pk] = found
    return notes


@login_required
def bulletin_list(request):
    """Every 重点通报 and recommendation list the user may read, so an issued document can
    always be found again."""
    require_permission(request.user, "assessments.list_inspections")
    return render(
        request,
        "assessments/bulletin_list.html",
        {
            "bulletins": page_of(
                request,
                visible_bulletins(request.user)
                .prefetch_related("villages")
                .order_by("-issued_on", "-id"),
            ),
            "recommendation_lists": visible_recommendation_lists(request.user),
            "can_issue": bool(_bulletin_towns(request.user)),
            "can_recommend": request.user.has_perm("assessments.recommend"),
        },
    )


@login_required
def bulletin_create(request):
    towns = _bulletin_towns(request.user)
    if not towns:
        raise PermissionDenied
    town = next((t for t in towns if str(t.pk) == request.GET.get("town")), towns[0])
    villages = town.villages.filter(is_active=True).order_by("code")
    today = timezone.localdate()
    form = BulletinForm(
        request.POST or None,
        villages=villages,
        initial={
            "issuer": document_setting(town, DocumentKind.BULLETIN).issuing_body.full_name,
            "issued_on": today,
            "title": "关于平安村(社区)创建工作进展情况的通报",
            "body": "各村(社区)党支部：\n"
            "近期，镇平安办对各村(社区)平安创建工作进行了抽查检查。现将重视不够、动作迟缓、"
            "效果不力的村(社区)予以重点通报，请被通报村(社区)对照附件所列问题，"
            "在规定期限内整改到位，并将整改情况报镇平安办。",
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            bulletin = services.issue_bulletin(actor=request.user, town=town, **form.cleaned_data)
        except InvalidInput as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"重点通报{bulletin.document_number}已印发。")
            return redirect("assessments:bulletin_list")
    notes = _laggard_notes(town, today)
    return render(
        request,
        "assessments/bulletin_form.html",
        {
            "form": form,
            "town": town,
            "notes": {str(key): value for key, value in notes.items()},
            "bulletins": visible_bulletins(request.user).filter(town=town)[:20],
        },
        status=400 if form.errors else 200,
    )


@login_required
def bulletin_pdf(request, bulletin_id):
    bulletin = access_bulletin_by_id(request.user, bulletin_id)
    return FileResponse(
        bulletin.pdf.open("rb"),
        filename=f"{bulletin.title}.pdf",
        content_type="application/pdf",
    )


@login_required
def order_notice_pdf(request, order_id):
    order = access_order_by_id(request.user, order_id)
    notice = rectification_notice_document(order, timezone.localtime(order.created_at).date())
    # Everything the notice prints is in its context, plain values: they are its identity.
    pdf = render_pdf_once("documents/official.html", notice, notice)
    return pdf_download(pdf, f"限期整改通知书-{order.village.name}.pdf")
