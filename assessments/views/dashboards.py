"""Home pages: the town dashboard, the city and province ranking, the village's own page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from assessments.dashboards import campaign_years, ranking_overview, town_overview
from assessments.models import Assessment, Campaign, RectificationOrder
from assessments.reminders import reminders_for
from assessments.selectors import (
    access_region_by_id,
    current_assessment_of_secretary,
    handed_in_waiting,
    latest_return_comments,
    open_returned_criteria,
    stage_note,
    village_results,
    visible_orders,
    visible_titles,
    workspace_parts,
)
from assessments.services import missing_for_submission
from villages.models import Region
from villages.rules import home_region_of, home_village_of, staffed_villages_of


@login_required
def home(request):
    if home_village_of(request.user) is not None:
        return village_home(request)
    if staffed_villages_of(request.user):
        return redirect("assessments:my_assignments")
    region = home_region_of(request.user)
    if region is None and request.user.has_perm("villages.use_admin_site"):
        region = Region.objects.filter(parent=None).order_by("code").first()
    if region is None:
        return render(request, "home.html")
    if region.level == Region.Level.TOWN:
        return redirect("assessments:town_dashboard", region.pk)
    return redirect("assessments:region_dashboard", region.pk)


@login_required
def town_dashboard_view(request, region_id):
    town = access_region_by_id(request.user, region_id, [Region.Level.TOWN])
    today = timezone.localdate()
    overview = town_overview(town, today)
    campaign = overview.campaign
    context = {
        "town": town,
        "overview": overview,
        "reminders": reminders_for(request.user, today),
    }
    if (
        campaign is not None
        and campaign.status == Campaign.Status.TOWN_ASSESSMENT
        and request.user.has_perm("assessments.approve_campaign", campaign)
    ):
        context["approval"] = {"assessed": overview.assessed, "total": overview.total}
    return render(request, "assessments/dashboard_town.html", context)


@login_required
def region_dashboard_view(request, region_id):
    region = access_region_by_id(
        request.user, region_id, [Region.Level.PROVINCE, Region.Level.CITY, Region.Level.COUNTY]
    )
    years = campaign_years(region) or [timezone.localdate().year]
    year = int(request.GET["year"]) if request.GET.get("year", "").isdigit() else years[0]
    ranking = ranking_overview(region, year, request.GET.get("sort"))
    return render(
        request,
        "assessments/dashboard_region.html",
        {
            "region": region,
            "year": year,
            "years": years,
            "sort": request.GET.get("sort"),
            "ranking": ranking,
            "rows": ranking.rows,
            "reminders": reminders_for(request.user, timezone.localdate()),
        },
    )


def village_home(request):
    """The secretary's page: this year's tasks and past years."""
    village = home_village_of(request.user)
    today = timezone.localdate()
    current = current_assessment_of_secretary(request.user)
    tasks, returned = [], {}
    if current is not None and current.is_editable:
        criteria, answers, evidence = workspace_parts(current)
        if current.status == Assessment.Status.RETURNED:
            _, returned = latest_return_comments(current)
        tasks = missing_for_submission(
            current,
            criteria,
            answers,
            evidence,
            open_returned_criteria(current, returned),
            handed_in_waiting(current),
        )
    orders = list(
        visible_orders(request.user).filter(
            village=village,
            status__in=[RectificationOrder.Status.OPEN, RectificationOrder.Status.REPORTED],
        )
    )
    for order in orders:
        order.overdue = order.is_overdue(today)
    titles = visible_titles(request.user).filter(village=village).order_by("-first_year", "kind")
    results = village_results(village, request.user)
    return render(
        request,
        "assessments/village_home.html",
        {
            "village": village,
            "current": current,
            "tasks": tasks,
            "returned_count": sum(1 for key in returned if key is not None),
            "returned_general": returned.get(None),
            "stage_note": stage_note(current, today) if current else "",
            "current_result": next(
                (
                    result
                    for assessment, result in results
                    if current and assessment.pk == current.pk
                ),
                "",
            ),
            "past": [
                (assessment, result)
                for assessment, result in results
                if current is None or assessment.pk != current.pk
            ],
            "orders": orders,
            "titles": titles,
            "today": today,
            "reminders": reminders_for(request.user, today),
        },
    )
