"""Pages of 宣传与经验: the village's record of its publicity and its practices, the 典型经验
within the reader's reach, and the printed 经验交流."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from assessments import services
from assessments.documents import experience_document
from assessments.forms import PracticeForm, PublicityForm
from assessments.models import Practice, PublicityRecord
from assessments.selectors import (
    access_practice_by_id,
    access_publicity_village,
    publicity_of,
    visible_practices,
)
from pingan.errors import InvalidInput, InvalidTransition
from pingan.pdf import render_pdf
from pingan.responses import pdf_download
from villages.rules import require_permission


@login_required
def village_publicity(request, village_id):
    """What the village did to make the campaign known, and the practices it wrote up."""
    village = access_publicity_village(request.user, village_id)
    may_record = request.user.has_perm("assessments.record_publicity", village)
    form = PublicityForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        require_permission(request.user, "assessments.record_publicity", village)
        if form.is_valid():
            try:
                services.record_publicity(
                    actor=request.user,
                    village_id=village.pk,
                    **{**form.cleaned_data, "participants": form.cleaned_data["participants"] or 0},
                )
            except InvalidInput as refusal:
                form.add_error(None, refusal.message)
            else:
                messages.success(request, "宣传记录已保存。")
                return redirect("assessments:village_publicity", village.pk)
    return render(
        request,
        "assessments/village_publicity.html",
        {
            "village": village,
            "records": publicity_of(village),
            "practices": visible_practices(request.user).filter(village=village),
            "form": form if may_record else None,
            "may_write": request.user.has_perm("assessments.write_practice", village),
        },
        status=400 if form.errors else 200,
    )


@login_required
def practice_edit(request, village_id, practice_id=None):
    village = access_publicity_village(request.user, village_id)
    require_permission(request.user, "assessments.write_practice", village)
    practice = None
    initial = {}
    if practice_id is not None:
        practice = access_practice_by_id(request.user, practice_id)
        if practice.village_id != village.pk:
            raise Http404("未找到该经验做法。")
        initial = {
            name: getattr(practice, name) for name in ("title", "problem", "action", "result")
        }
    form = PracticeForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            practice = services.save_practice(
                actor=request.user,
                village_id=village.pk,
                practice_id=practice.pk if practice else None,
                **form.cleaned_data,
            )
        except (InvalidInput, InvalidTransition) as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, f"《{practice.title}》已保存，可报送镇平安办。")
            return redirect("assessments:practice_detail", practice.pk)
    return render(
        request,
        "assessments/practice_form.html",
        {"village": village, "practice": practice, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def practice_list(request):
    """典型经验 within reach, and for an office the practices its villages sent."""
    practices = visible_practices(request.user).exclude(status=Practice.Status.DRAFT)
    return render(
        request,
        "assessments/practice_list.html",
        {
            "published": practices.filter(status__in=Practice.PUBLISHED),
            "waiting": [
                p
                for p in practices.filter(status=Practice.Status.SUBMITTED)
                if request.user.has_perm("assessments.select_practice", p)
            ],
        },
    )


@login_required
def practice_detail(request, practice_id):
    practice = access_practice_by_id(request.user, practice_id)
    return render(
        request,
        "assessments/practice_detail.html",
        {
            "practice": practice,
            "may_submit": practice.status == Practice.Status.DRAFT
            and request.user.has_perm("assessments.write_practice", practice.village),
            "may_select": request.user.has_perm("assessments.select_practice", practice)
            and practice.status != Practice.Status.CITY_PUBLISHED,
            "history": practice.events.select_related("actor"),
        },
    )


def _moved(request, practice_id, service, success, **arguments):
    practice = access_practice_by_id(request.user, practice_id)
    try:
        practice = service(actor=request.user, practice_id=practice.pk, **arguments)
    except InvalidInput as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, f"《{practice.title}》{success}")
    return redirect("assessments:practice_detail", practice.pk)


@login_required
@require_POST
def practice_submit(request, practice_id):
    return _moved(request, practice_id, services.submit_practice, "已报送镇平安办。")


@login_required
@require_POST
def practice_publish(request, practice_id):
    return _moved(request, practice_id, services.publish_practice, "已发布为典型经验。")


@login_required
@require_POST
def practice_return(request, practice_id):
    return _moved(
        request,
        practice_id,
        services.return_practice,
        "已退回修改。",
        note=request.POST.get("note", ""),
    )


@login_required
def practice_pdf(request, practice_id):
    practice = access_practice_by_id(request.user, practice_id)
    if not practice.is_published:
        raise Http404("经验做法发布为典型经验后才印发经验交流。")
    pdf = render_pdf("documents/official.html", experience_document(practice))
    return pdf_download(pdf, f"经验交流-{practice.village.name}-{practice.title}.pdf")


@login_required
def publicity_photo(request, village_id, record_id):
    village = access_publicity_village(request.user, village_id)
    record = PublicityRecord.objects.filter(pk=record_id, village=village).first()
    if record is None or not record.photo:
        raise Http404("该记录没有照片。")
    return FileResponse(record.photo.open("rb"), content_type="image/jpeg")


@login_required
def practice_photo(request, practice_id):
    practice = access_practice_by_id(request.user, practice_id)
    if not practice.photo:
        raise Http404("该经验做法没有照片。")
    return FileResponse(practice.photo.open("rb"), content_type="image/jpeg")
