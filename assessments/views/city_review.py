"""Pages of the city's re-review: the overview, the draw and its list, re-review of each
sampled village, closing the review, candidacies and the recommendation list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from assessments import services
from assessments.documents import chinese_date
from assessments.errors import UnassessedCriteria
from assessments.forms import PublicationForm, RecommendationForm, SampleForm, plain_number
from assessments.models import (
    Assessment,
    Campaign,
    Publication,
    RecommendationList,
)
from assessments.rates import DEFINITIONS
from assessments.selectors import (
    access_assessment_by_id,
    access_campaign_by_id,
    campaign_rates,
    candidacies_of,
    city_rates,
    current_sample,
    issued_recommendation_list,
    open_candidacies,
    past_samples,
    publication_of,
    sample_entries,
    sampling_rule_for,
    visible_assessments,
    visible_campaigns,
)
from assessments.spreadsheets import recommendation_workbook
from assessments.views.publications import published
from assessments.views.town_review import CITY_REVIEW, review_page
from pingan.confirmation import Confirmation, ask, is_confirmed
from pingan.errors import InvalidInput, InvalidTransition
from pingan.params import int_param
from pingan.pdf import render_pdf_once
from pingan.responses import pdf_download, xlsx_download
from villages.models import Region
from villages.rules import home_region_of, require_permission


@login_required
def city_overview(request):
    """Every town's rates for a year against the target, and the city's sum."""
    require_permission(request.user, "assessments.list_campaigns")
    years = sorted(
        set(visible_campaigns(request.user).values_list("year", flat=True)), reverse=True
    ) or [timezone.localdate().year]
    try:
        year = int(request.GET.get("year", years[0]))
    except ValueError:
        year = years[0]
    rows, total = city_rates(request.user, year)
    return render(
        request,
        "assessments/city_overview.html",
        {
            "year": year,
            "years": years,
            "rows": rows,
            "total": total,
            "definitions": DEFINITIONS,
            "city": home_region_of(request.user)
            if request.user.has_perm("assessments.recommend")
            else None,
        },
    )


@login_required
def campaign_review(request, campaign_id):
    """The city's sample of one town, its re-reviews, the rates, and the candidates."""
    require_permission(request.user, "assessments.list_campaigns")
    campaign = access_campaign_by_id(request.user, campaign_id)
    sample = current_sample(campaign)
    entries = sample_entries(sample)
    rule = sampling_rule_for(campaign.town)
    can_draw = request.user.has_perm("assessments.draw_sample", campaign) and (
        campaign.status == Campaign.Status.FILED
        or (campaign.status == Campaign.Status.CITY_REVIEW and sample is not None)
    )
    form = SampleForm(
        initial={
            "ratio": plain_number(rule.ratio * 100) if rule else None,
            "minimum_count": rule.minimum_count if rule else 1,
        }
    )
    issued = issued_recommendation_list(campaign)
    reviewed = any(entry.assessment.city_passed is not None for entry in entries)
    return render(
        request,
        "assessments/campaign_review.html",
        {
            "campaign": campaign,
            "sample": sample,
            "entries": entries,
            "past_samples": past_samples(campaign),
            "rates": campaign_rates(campaign),
            "definitions": DEFINITIONS,
            "form": form,
            "can_draw": can_draw and not reviewed,
            "issued": issued,
            "can_review": request.user.has_perm("assessments.draw_sample", campaign),
            "can_close": campaign.status == Campaign.Status.CITY_REVIEW
            and request.user.has_perm("assessments.close_city_review", campaign),
            "candidates": candidacies_of(campaign),
            "can_prepare": campaign.status in Campaign.CANDIDACY_STAGES
            and issued is None
            and request.user.has_perm("assessments.close_self_assessment", campaign),
        },
    )


@login_required
@require_POST
def sample_draw(request, campaign_id):
    campaign = access_campaign_by_id(request.user, campaign_id)
    require_permission(request.user, "assessments.draw_sample", campaign)
    form = SampleForm(request.POST)
    if not form.is_valid():
        raise InvalidInput("；".join(e for errors in form.errors.values() for e in errors))
    previous = current_sample(campaign)
    # Without a reason the redraw is refused as it stands; nothing to ask about.
    if previous is not None and form.cleaned_data["reason"].strip() and not is_confirmed(request):
        return ask(
            request,
            Confirmation(
                title=f"重新抽取{campaign.town.name}{campaign.year}年度抽查名单",
                action="重新抽取",
                cancel_url=reverse("assessments:campaign_review", args=[campaign.pk]),
                effects=[
                    f"现抽查名单(种子 {previous.seed}，{previous.entries.count()} 个村(社区))"
                    "作废，留档备查；按新填写的比例、种子和必抽村(社区)重新抽取。",
                    f"重新抽取原因：{form.cleaned_data['reason'].strip()}",
                ],
            ),
        )
    sample = services.draw_sample(
        actor=request.user,
        campaign_id=campaign.pk,
        ratio=form.cleaned_data["ratio"],
        minimum_count=form.cleaned_data["minimum_count"],
        forced=form.cleaned_data["forced"],
        seed=form.cleaned_data["seed"],
        reason=form.cleaned_data["reason"],
    )
    messages.success(request, f"已抽取 {sample.entries.count()} 个村(社区)，种子 {sample.seed}。")
    return redirect("assessments:campaign_review", campaign.pk)


@login_required
def sample_pdf(request, campaign_id):
    require_permission(request.user, "assessments.list_campaigns")
    campaign = access_campaign_by_id(request.user, campaign_id)
    sample = current_sample(campaign)
    if sample is None:
        raise Http404("尚未抽查。")
    entries = sample_entries(sample)
    context = {
        "campaign": campaign,
        "sample": sample,
        "entries": entries,
        "drawn_on": chinese_date(timezone.localtime(sample.drawn_at)),
        "ratio_percent": sample.ratio_percent,
    }
    printed = [
        campaign.town.name,
        campaign.year,
        context["drawn_on"],
        context["ratio_percent"],
        [sample.seed, sample.method, sample.minimum_count, len(sample.population)],
        [sample.redraw_reason, sample.drawn_by.display_name],
        [
            (e.position, e.assessment.village.name, e.assessment.village.code, e.forced, e.reason)
            for e in entries
        ],
    ]
    pdf = render_pdf_once("documents/sample.html", context, printed)
    return pdf_download(pdf, f"{campaign.town.name}{campaign.year}年度抽查名单.pdf")


@login_required
@require_POST
def campaign_close_city_review(request, campaign_id):
    campaign = access_campaign_by_id(request.user, campaign_id)
    require_permission(request.user, "assessments.close_city_review", campaign)
    sample = current_sample(campaign)
    entries = sample_entries(sample)
    unreviewed = any(entry.assessment.city_passed is None for entry in entries)
    if (
        not is_confirmed(request)
        and campaign.status == Campaign.Status.CITY_REVIEW
        and not unreviewed
    ):
        waiting = open_candidacies(campaign)
        failed = [e.assessment.village.name for e in entries if e.assessment.city_passed is False]
        effects = [
            f"{campaign.town.name}{campaign.year}年度市级复核结束，复核结果不能再修改。",
            f"报备达标名单中复核合格和未被抽查的村(社区)被授予{campaign.year}年度平安村(社区)称号"
            + (f"；复核不合格的{'、'.join(failed)}不授予。" if failed else "。"),
        ]
        if waiting:
            effects.append(
                "下列示范村(社区)推荐对象尚未完成推荐考评：结束复核后，镇平安办仍可准备和提交，"
                "市委平安办仍可复核，直到印发本年度示范村推荐名单。"
            )
        return ask(
            request,
            Confirmation(
                title=f"结束{campaign.town.name}{campaign.year}年度市级复核",
                action="结束市级复核",
                cancel_url=reverse("assessments:campaign_review", args=[campaign.pk]),
                effects=effects,
                items_title="尚未完成的示范村推荐考评：" if waiting else "",
                items=[f"{village.name}：{why}" for village, why in waiting],
            ),
        )
    services.close_city_review(actor=request.user, campaign_id=campaign.pk)
    messages.success(request, "市级复核已结束。")
    return redirect("assessments:campaign_review", campaign.pk)


@login_required
@require_POST
def candidacy_start(request, assessment_id):
    assessment = access_assessment_by_id(request.user, assessment_id)
    candidacy = services.start_candidacy(actor=request.user, assessment_id=assessment.pk)
    messages.success(request, f"已为{candidacy.village.name}建立示范村推荐考评，请逐项填报后提交。")
    return redirect("assessments:assessment_detail", candidacy.pk)


def _recommending_cities(user):
    cities = Region.objects.filter(level=Region.Level.CITY).order_by("code")
    return [city for city in cities if user.has_perm("assessments.recommend", city)]


@login_required
def recommendation_create(request):
    cities = _recommending_cities(request.user)
    if not cities:
        raise PermissionDenied
    city = cities[0]
    year = int_param(request.GET, "year", timezone.localdate().year, "年度")
    candidates = list(
        visible_assessments(request.user)
        .filter(
            kind=Assessment.Kind.DEMONSTRATION,
            campaign__year=year,
            city_passed=True,
            village__town__path__startswith=city.path,
        )
        .order_by("village__code")
    )
    form = RecommendationForm(
        request.POST if request.method == "POST" and "publish" not in request.POST else None,
        initial={
            "title": f"关于推荐{year}年度平安湖北建设示范村(社区)的报告",
            "body": "省委平安办：\n"
            f"根据省委平安湖北建设领导小组有关要求，经村(社区)创建、乡镇考核、市级抽查复核，"
            f"现将{city.name}{year}年度平安湖北建设示范村(社区)推荐名单报上，请予审定。",
            "issuer": f"{city.name}委平安{city.name.removesuffix('市')}建设领导小组",
            "issued_on": timezone.localdate(),
        },
    )
    picks = []
    publication_form = PublicationForm(
        request.POST if "publish" in request.POST else None, prefix="publication"
    )
    if request.method == "POST":
        picks = [
            (a.pk, request.POST.get(f"justification_{a.pk}", ""))
            for a in candidates
            if request.POST.get(f"pick_{a.pk}")
        ]
        if "publish" in request.POST:
            if publication_form.is_valid():
                try:
                    publication = services.publish_recommendations(
                        actor=request.user,
                        city=city,
                        year=year,
                        assessment_ids=[pk for pk, _ in picks],
                        **publication_form.cleaned_data,
                    )
                except (InvalidInput, InvalidTransition) as error:
                    publication_form.add_error(None, error.message)
                else:
                    return published(request, publication)
        elif form.is_valid():
            try:
                recommendation_list = services.issue_recommendations(
                    actor=request.user, city=city, year=year, picks=picks, **form.cleaned_data
                )
            except (InvalidInput, InvalidTransition) as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request, f"示范村推荐名单{recommendation_list.document_number}已印发。"
                )
                return redirect("assessments:bulletin_list")
    return render(
        request,
        "assessments/recommendation_form.html",
        {
            "form": form,
            "city": city,
            "year": year,
            "candidates": candidates,
            "picked": {pk for pk, _ in picks},
            "justifications": dict(picks),
            "lists": RecommendationList.objects.filter(city=city).order_by("-year", "-id")[:20],
            "publication_form": publication_form,
            "publication": publication_of(Publication.Kind.RECOMMENDATION, city, year),
        },
        status=400 if form.errors or publication_form.errors else 200,
    )


def _recommendation_list(user, list_id):
    lists = RecommendationList.objects.select_related("city")
    recommendation_list = lists.filter(pk=list_id).first()
    if recommendation_list is None or not user.has_perm(
        "villages.view_region", recommendation_list.city
    ):
        raise Http404("未找到该推荐名单。")
    return recommendation_list


@login_required
def recommendation_pdf(request, list_id):
    recommendation_list = _recommendation_list(request.user, list_id)
    return FileResponse(
        recommendation_list.pdf.open("rb"),
        filename=f"{recommendation_list.title}.pdf",
        content_type="application/pdf",
    )


@login_required
def recommendation_xlsx(request, list_id):
    recommendation_list = _recommendation_list(request.user, list_id)
    recommendations = recommendation_list.recommendations.select_related(
        "assessment__village__town"
    )
    return xlsx_download(
        recommendation_workbook(recommendation_list, recommendations),
        f"{recommendation_list.year}年度示范村推荐名单.xlsx",
    )


@login_required
def city_review(request, assessment_id):
    return review_page(request, assessment_id, CITY_REVIEW)


@login_required
@require_POST
def city_review_conclude(request, assessment_id):
    assessment = access_assessment_by_id(request.user, assessment_id)
    try:
        assessment = services.conclude_city_review(actor=request.user, assessment_id=assessment.pk)
    except UnassessedCriteria as error:
        return review_page(request, assessment.pk, CITY_REVIEW, unassessed=error.criteria)
    messages.success(request, f"{assessment.village.name}{assessment.city_verdict_label}。")
    return redirect("assessments:city_review", assessment.pk)
