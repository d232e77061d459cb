"""Files made in the background: ask for one, watch it grow, download it when ready."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from assessments import services
from assessments.documents import DOCUMENT_TEMPLATES, drafted_document
from assessments.forms import DATE_INPUT
from assessments.models import OfficialDocument
from assessments.selectors import (
    access_document_by_id,
    access_prepared_file_by_id,
    prepared_files_of,
    visible_documents,
)
from pingan.confirmation import Confirmation, ask, is_confirmed
from pingan.errors import InvalidInput
from pingan.pagination import page_of
from pingan.pdf import render_pdf
from pingan.responses import pdf_download
from villages.rules import require_permission


class YearForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)


@login_required
@require_POST
def campaign_reports_prepare(request, campaign_id):
    prepared = services.request_campaign_reports(actor=request.user, campaign_id=campaign_id)
    return redirect("assessments:prepared_file", prepared.pk)


@login_required
@require_POST
def region_results_prepare(request, region_id):
    form = YearForm(request.POST)
    prepared = services.request_region_results(
        actor=request.user,
        region_id=region_id,
        year=form.cleaned_data["year"] if form.is_valid() else None,
    )
    messages.success(request, f"已开始生成“{prepared.title}”，完成后可在此下载。")
    return redirect("assessments:prepared_file", prepared.pk)


@login_required
def prepared_file_list(request):
    return render(
        request,
        "assessments/prepared_file_list.html",
        {"prepared_files": prepared_files_of(request.user)[:50]},
    )


@login_required
def prepared_file(request, prepared_file_id):
    prepared = access_prepared_file_by_id(request.user, prepared_file_id)
    template = (
        "assessments/prepared_file_status.html"
        if request.htmx
        else "assessments/prepared_file.html"
    )
    return render(request, template, {"prepared": prepared})


@login_required
def prepared_file_download(request, prepared_file_id):
    prepared = access_prepared_file_by_id(request.user, prepared_file_id)
    if not prepared.file:
        raise Http404("文件尚未生成。")
    return FileResponse(prepared.file.open("rb"), as_attachment=True, filename=prepared.filename)


class DocumentForm(forms.Form):
    title = forms.CharField(label="标题", max_length=200)
    body = forms.CharField(
        label="正文",
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="按实际情况修改。第一行以“：”结尾的作为主送机关；每行为一段。",
    )
    issuer = forms.CharField(label="署名", max_length=100)
    document_number = forms.CharField(
        label="发文字号",
        max_length=40,
        required=False,
        help_text="印发时必填：机关代字〔年份〕序号；草稿不印文号。",
    )
    issued_on = forms.DateField(label="成文日期", required=False, widget=DATE_INPUT)


class DraftForm(forms.Form):
    kind = forms.ChoiceField(choices=OfficialDocument.KIND_CHOICES)
    region = forms.IntegerField(required=False, min_value=1, max_value=999_999_999)
    year = forms.IntegerField(required=False, min_value=2000, max_value=2100)
    naming = forms.IntegerField(required=False, min_value=1, max_value=999_999_999)


@login_required
@require_POST
def document_draft(request):
    """拟制: open the year's draft of a document, made from the figures the first time."""
    form = DraftForm(request.POST)
    if not form.is_valid():
        raise InvalidInput("请选择公文种类、区划和年度。")
    document = services.draft_document(
        actor=request.user,
        kind=form.cleaned_data["kind"],
        region_id=form.cleaned_data["region"],
        year=form.cleaned_data["year"],
        naming_id=form.cleaned_data["naming"],
    )
    return redirect("assessments:document_detail", document.pk)


@login_required
def document_list(request):
    return render(
        request,
        "assessments/document_list.html",
        {"documents": page_of(request, visible_documents(request.user))},
    )


@login_required
def document_detail(request, document_id):
    """A drafted document: edited while a draft, then issued and frozen."""
    document = access_document_by_id(request.user, document_id)
    editable = document.status == OfficialDocument.Status.DRAFT and request.user.has_perm(
        "assessments.issue_document", document
    )
    initial = {
        name: getattr(document, name)
        for name in ("title", "body", "issuer", "document_number", "issued_on")
    }
    form = DocumentForm(request.POST or None, initial=initial) if editable else None
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid():
            services.save_document(actor=request.user, document_id=document.pk, **form.cleaned_data)
            messages.success(request, "已保存。可下载草稿核对，确认无误后印发。")
            return redirect("assessments:document_detail", document.pk)
    return render(
        request,
        "assessments/document_detail.html",
        {
            "document": document,
            "form": form,
            "events": document.events.select_related("actor"),
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
def document_pdf(request, document_id):
    """The issued PDF as it was issued; a draft is printed now, marked 草稿, without number."""
    document = access_document_by_id(request.user, document_id)
    if document.pdf:
        return FileResponse(
            document.pdf.open("rb"),
            filename=f"{document.title}.pdf",
            content_type="application/pdf",
        )
    pdf = render_pdf(DOCUMENT_TEMPLATES[document.kind], drafted_document(document, True))
    return pdf_download(pdf, f"(草稿){document.title}.pdf")


@login_required
@require_POST
def document_issue(request, document_id):
    document = access_document_by_id(request.user, document_id)
    require_permission(request.user, "assessments.issue_document", document)
    if not is_confirmed(request):
        return ask(
            request,
            Confirmation(
                title=f"印发《{document.title}》",
                action="确认印发",
                cancel_url=reverse("assessments:document_detail", args=[document.pk]),
                effects=[
                    f"以发文字号“{document.document_number or '(未填写)'}”印发，"
                    "生成正式文件并冻结，此后不能修改；",
                    "附件按印发时的数据生成，之后的变化不影响已印发文件。",
                ],
            ),
        )
    services.issue_document(actor=request.user, document_id=document.pk)
    messages.success(request, "已印发。")
    return redirect("assessments:document_detail", document.pk)
