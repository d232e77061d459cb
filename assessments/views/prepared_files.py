"""Files made in the background: ask for one, watch it grow, download it when ready."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from assessments import services
from assessments.selectors import access_prepared_file_by_id, prepared_files_of


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
