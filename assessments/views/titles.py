"""Titles, certificates, the incident register, naming, and the village timeline."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from assessments import services
from assessments.documents import certificate_pages
from assessments.forms import IncidentForm, NamingForm, PublicationForm, ReasonForm, TitleReviewForm
from assessments.models import (
    DocumentKind,
    IncidentCategory,
    NamingBatch,
    Publication,
    Recommendation,
    Title,
)
from assessments.selectors import (
    access_incident_by_id,
    access_title_by_id,
    document_setting,
    latest_recommended_year,
    publication_of,
    title_revocation,
    titles_an_incident_revokes,
    village_results,
    village_timeline,
    visible_incidents,
    visible_titles,
)
from assessments.views.publications import published
from pingan.confirmation import Confirmation, ask, is_confirmed
from pingan.errors import InvalidInput, InvalidTransition
from pingan.pagination import page_of
from pingan.params import int_param
from pingan.pdf import render_pdf_once
from pingan.responses import pdf_download
from villages.models import Region
from villages.rules import require_permission
from villages.selectors import access_village_by_id, visible_villages


@login_required
def incident_list(request):
    require_permission(request.user, "assessments.list_incidents")
    return render(
        request,
        "assessments/incident_list.html",
        {
            "incidents": page_of(
                request, visible_incidents(request.user).order_by("-occurred_on", "-id")
            )
        },
    )


@login_required
def incident_create(request):
    require_permission(request.user, "assessments.enter_incidents")
    villages = visible_villages(request.user).filter(is_active=True)
    form = IncidentForm(
        request.POST or None,
        villages=villages,
        categories=IncidentCategory.objects.filter(is_active=True).select_related("group"),
        initial={"village": request.GET.get("village")},
    )
    if request.method == "POST" and form.is_valid():
        village, category = form.cleaned_data["village"], form.cleaned_data["category"]
        revoked = (
            list(titles_an_incident_revokes(village, form.cleaned_data["occurred_on"]))
            if category.disqualifying
            else []
        )
        if revoked and not is_confirmed(request):
            return ask(
                request,
                Confirmation(
                    title=f"登记{village.name}的{category.name}并撤销称号",
                    action="登记并撤销称号",
                    cancel_url=reverse("assessments:incident_create"),
                    effects=[
                        f"“{category.name}”属一票否决，登记后立即撤销{village.name}的下列称号。",
                        f"{form.cleaned_data['occurred_on'].year}年度尚未审定的考评结果"
                        "同时记为不达标。",
                    ],
                    items_title="将被撤销的称号：",
                    items=[f"{title.period_label}{title.get_kind_display()}" for title in revoked],
                    undo="如登记有误，可在该案事件页“更正”，被撤销的称号随之恢复。",
                ),
            )
        try:
            incident = services.record_incident(
                actor=request.user,
                village_id=village.pk,
                category_id=category.pk,
                occurred_on=form.cleaned_data["occurred_on"],
                description=form.cleaned_data["description"],
                case_number=form.cleaned_data["case_number"],
            )
        except InvalidInput as error:
            form.add_error(None, error.message)
        else:
            revoked = incident.effects.filter(title__isnull=False).count()
            messages.success(
                request,
                "已登记案事件。" + (f"已即时撤销称号 {revoked} 个。" if revoked else ""),
            )
            return redirect("assessments:incident_detail", incident.pk)
    return render(
        request,
        "assessments/incident_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
def incident_detail(request, incident_id):
    incident = access_incident_by_id(request.user, incident_id)
    return render(
        request,
        "assessments/incident_detail.html",
        {
            "incident": incident,
            "effects": incident.effects.select_related("title", "assessment__campaign"),
            "can_correct": incident.status == incident.Status.RECORDED
            and request.user.has_perm("assessments.record_incident", incident.village),
            "form": ReasonForm(),
        },
    )


@login_required
@require_POST
def incident_correct(request, incident_id):
    incident = access_incident_by_id(request.user, incident_id)
    form = ReasonForm(request.POST)
    services.correct_incident(
        actor=request.user,
        incident_id=incident.pk,
        reason=form.cleaned_data["reason"] if form.is_valid() else "",
    )
    messages.success(request, "案事件已更正，因其撤销的称号和考评结果已恢复。")
    return redirect("assessments:incident_detail", incident.pk)


def _filtered_titles(request):
    titles = visible_titles(request.user)
    year = request.GET.get("year", "")
    if year.isdigit():
        titles = titles.filter(first_year__lte=int(year), last_year__gte=int(year))
    if request.GET.get("kind") in Title.Kind.values:
        titles = titles.filter(kind=request.GET["kind"])
    if request.GET.get("status") in Title.Status.values:
        titles = titles.filter(status=request.GET["status"])
    return titles.order_by("-first_year", "kind", "village__code")


@login_required
def title_list(request):
    return render(
        request,
        "assessments/title_list.html",
        {
            "titles": page_of(request, _filtered_titles(request)),
            "kinds": Title.Kind.choices,
            "statuses": Title.Status.choices,
            "query": request.GET.urlencode(),
        },
    )


@login_required
def title_detail(request, title_id):
    title = access_title_by_id(request.user, title_id)
    can_review = (
        title.kind == Title.Kind.DEMONSTRATION
        and title.status == Title.Status.VALID
        and request.user.has_perm("assessments.review_title", title)
    )
    form = TitleReviewForm(request.POST or None)
    if request.method == "POST":
        require_permission(request.user, "assessments.review_title", title)
        if form.is_valid():
            services.review_title(actor=request.user, title_id=title.pk, **form.cleaned_data)
            messages.success(request, "定期复核结果已记录。")
            return redirect("assessments:title_detail", title.pk)
    history = list(title.events.select_related("actor", "incident__category"))
    return render(
        request,
        "assessments/title_detail.html",
        {
            "title": title,
            "history": history,
            "revocation": title_revocation(title, history),
            "plaque": certificate_pages([title])[0]["plaque"],
            "can_review": can_review,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


def _certificate_response(titles, filename):
    pages = certificate_pages(titles)
    printed = [
        {
            **{k: v for k, v in page.items() if k != "title"},
            "number": page["title"].certificate_number,
        }
        for page in pages
    ]
    pdf = render_pdf_once("documents/certificate.html", {"pages": pages}, printed)
    return pdf_download(pdf, filename)


@login_required
def title_certificate(request, title_id):
    title = access_title_by_id(request.user, title_id)
    if title.status != Title.Status.VALID:
        raise InvalidTransition(f"{title}已撤销，不能打印荣誉证书。")
    return _certificate_response(
        [title], f"荣誉证书-{title.village.name}-{title.certificate_number}.pdf"
    )


@login_required
def title_certificates(request):
    titles = list(_filtered_titles(request).filter(status=Title.Status.VALID)[:1000])
    if not titles:
        raise InvalidInput("没有可打印证书的有效称号。")
    return _certificate_response(titles, "荣誉证书.pdf")


@login_required
def naming_create(request):
    provinces = [
        province
        for province in Region.objects.filter(level=Region.Level.PROVINCE)
        if request.user.has_perm("assessments.name_villages", province)
    ]
    if not provinces:
        raise PermissionDenied
    province = provinces[0]
    first_year = int_param(
        request.GET,
        "first_year",
        latest_recommended_year(province) or timezone.localdate().year,
        "起始年度",
    )
    recommendations = list(
        Recommendation.objects.select_related("assessment__village__town", "recommendation_list")
        .filter(
            recommendation_list__year__in=[first_year, first_year + 1],
            assessment__village__town__path__startswith=province.path,
        )
        .order_by("assessment__village__code")
    )
    form = NamingForm(
        request.POST if request.method == "POST" and "publish" not in request.POST else None,
        initial={
            "issuer": document_setting(
                province, DocumentKind.NAMING_DECISION
            ).issuing_body.full_name,
            "named_on": timezone.localdate(),
        },
    )
    publication_form = PublicationForm(
        request.POST if "publish" in request.POST else None, prefix="publication"
    )
    picked = [r.pk for r in recommendations if request.POST.get(f"pick_{r.pk}")]
    if "publish" in request.POST and publication_form.is_valid():
        try:
            publication = services.publish_naming(
                actor=request.user,
                province=province,
                first_year=first_year,
                recommendation_ids=picked,
                **publication_form.cleaned_data,
            )
        except (InvalidInput, InvalidTransition) as error:
            publication_form.add_error(None, error.message)
        else:
            return published(request, publication)
    elif request.method == "POST" and form.is_valid():
        picks = [
            (r.pk, request.POST.get(f"certificate_{r.pk}", ""))
            for r in recommendations
            if request.POST.get(f"pick_{r.pk}")
        ]
        try:
            batch = services.name_demonstration_villages(
                actor=request.user,
                province=province,
                first_year=first_year,
                picks=picks,
                **form.cleaned_data,
            )
        except (InvalidInput, InvalidTransition) as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"已审定命名 {batch.titles.count()} 个示范村(社区)。")
            return redirect(reverse("assessments:title_list") + "?kind=demonstration")
    return render(
        request,
        "assessments/naming_form.html",
        {
            "form": form,
            "province": province,
            "first_year": first_year,
            "recommendations": recommendations,
            "namings": NamingBatch.objects.filter(province=province).select_related("decision"),
            "publication_form": publication_form,
            "publication": publication_of(Publication.Kind.NAMING, province, first_year),
        },
        status=400 if form.errors or publication_form.errors else 200,
    )


@login_required
def timeline(request, village_id):
    village = access_village_by_id(request.user, village_id)
    return render(
        request,
        "assessments/timeline.html",
        {
            "village": village,
            "results": village_results(village, request.user),
            "entries": village_timeline(village, request.user),
        },
    )
