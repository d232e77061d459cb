"""Pages of 公示: the public page (no sign-in, no script needed) listing what is under 公示
and taking 异议, and the publishing office's page of its publication and each 异议."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from assessments import services
from assessments.forms import ObjectionAnswerForm, ObjectionForm, PublicationForm
from assessments.models import Publication
from assessments.selectors import (
    access_campaign_by_id,
    access_objection_by_id,
    access_open_publication,
    access_publication_by_id,
    objections_of,
    open_publications,
    publication_of,
)
from audit.middleware import client_address
from pingan.errors import InvalidInput, InvalidTransition, TooManyRequests
from villages.rules import require_permission


def public_publications(request):
    """What is under 公示 today: titles, periods and village names only."""
    return render(
        request,
        "public/publications.html",
        {"publications": open_publications(timezone.localdate())},
    )


@never_cache
def public_objection(request, publication_id):
    publication = access_open_publication(publication_id, timezone.localdate())
    form = ObjectionForm(request.POST or None, request.FILES or None, entries=publication.listed)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            objection = services.raise_objection(
                publication_id=publication.pk,
                village_id=form.cleaned_data["village"],
                name=form.cleaned_data["name"],
                phone=form.cleaned_data["phone"],
                matter=form.cleaned_data["matter"],
                photo=form.cleaned_data["photo"],
                address=client_address(request),
            )
        except TooManyRequests as refusal:
            form.add_error(None, refusal.message)
            status = 429
        except (InvalidInput, InvalidTransition) as refusal:
            form.add_error(None, refusal.message)
        else:
            return render(
                request,
                "public/objection_received.html",
                {"publication": publication, "reference": objection.token.hex[:8].upper()},
            )
    if form.errors and status == 200:
        status = 400
    return render(
        request,
        "public/objection_form.html",
        {"publication": publication, "form": form},
        status=status,
    )


@login_required
def campaign_publication(request, campaign_id):
    """The town publishes its approved pass list; once published, its page."""
    campaign = access_campaign_by_id(request.user, campaign_id)
    require_permission(request.user, "assessments.prepare_pass_list", campaign)
    publication = publication_of(Publication.Kind.PASS_LIST, campaign.town, campaign.year)
    if publication is not None:
        return redirect("assessments:publication_detail", publication.pk)
    form = PublicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            publication = services.publish_pass_list(
                actor=request.user, campaign_id=campaign.pk, **form.cleaned_data
            )
        except (InvalidInput, InvalidTransition) as refusal:
            form.add_error(None, refusal.message)
        else:
            return published(request, publication)
    return render(
        request,
        "assessments/publication_form.html",
        {"campaign": campaign, "form": form},
        status=400 if form.errors else 200,
    )


def published(request, publication):
    messages.success(
        request,
        f"已发布公示：{publication.starts_on:%m月%d日}至{publication.ends_on:%m月%d日}。",
    )
    return redirect("assessments:publication_detail", publication.pk)


@login_required
def publication_detail(request, publication_id):
    """The publishing office's view of its 公示: the list as it stands and every 异议."""
    publication = access_publication_by_id(request.user, publication_id)
    objections = objections_of(publication)
    return render(
        request,
        "assessments/publication.html",
        {
            "publication": publication,
            "objections": objections,
            "pending": sum(1 for o in objections if o.status == o.Status.PENDING),
            "today": timezone.localdate(),
        },
    )


@login_required
def objection_detail(request, objection_id):
    objection = access_objection_by_id(request.user, objection_id)
    form = ObjectionAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_objection(
                actor=request.user, objection_id=objection.pk, **form.cleaned_data
            )
        except (InvalidInput, InvalidTransition) as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, "异议已答复。")
            return redirect("assessments:campaign_publication", objection.publication.campaign_id)
    return render(
        request,
        "assessments/objection_detail.html",
        {"objection": objection, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def objection_photo(request, objection_id):
    objection = access_objection_by_id(request.user, objection_id)
    if not objection.photo:
        raise Http404("该异议没有附照片。")
    return FileResponse(objection.photo.open("rb"), content_type="image/jpeg")
