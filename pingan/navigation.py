from datetime import datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone

from assessments.selectors import overdue_orders, recent_revocations
from audit.selectors import may_read_trail
from pingan.freshness import kept
from villages.rules import (
    home_village_of,
    memberships_of,
    staffed_villages_of,
    works_only_in_teams,
)

RECENT_REVOCATIONS = timedelta(days=30)


def navigation(request):
    """The menu a user sees follows from their permissions, not from role names; overdue
    rectification orders within the user's reach are counted on every page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # The menu follows from the memberships, kept as they are: it is made once a day for
    # each reader and again after a change to their roles.
    return {
        "user_memberships": memberships_of(user),
        **kept(f"navigation:{user.pk}:{timezone.localdate()}", lambda: _menu(user)),
    }


def _menu(user):
    items = [("首页", reverse("home"))]
    staffed = staffed_villages_of(user)
    if staffed:
        items.append(("我的任务", reverse("assessments:my_assignments")))
    if works_only_in_teams(user):
        items += [
            ("宣传与经验", reverse("assessments:village_publicity", args=[village_id]))
            for village_id in staffed
        ]
        # A member of a village's team reaches their items and nothing else.
        return {"nav_items": items}
    village = home_village_of(user)
    if village is not None:
        items.append(("我的创建", reverse("assessments:my_assessment")))
        items.append(("我的村(社区)", reverse("villages:detail", args=[village.pk])))
        items.append(("工作人员和网格", reverse("villages:team", args=[village.pk])))
        items.append(("宣传与经验", reverse("assessments:village_publicity", args=[village.pk])))
    if user.has_perm("assessments.list_campaigns"):
        items.append(("创建活动", reverse("assessments:campaign_list")))
        items.append(("抽查复核", reverse("assessments:city_overview")))
    if user.has_perm("assessments.recommend"):
        items.append(("择优推荐", reverse("assessments:recommendation_create")))
    if user.has_perm("villages.list_villages"):
        items.append(("村(社区)名录", reverse("villages:list")))
    if user.has_perm("assessments.list_inspections"):
        items.append(("抽查检查", reverse("assessments:inspection_list")))
    items.append(("限期整改", reverse("assessments:order_list")))
    if user.has_perm("assessments.list_inspections"):
        items.append(("通报和推荐名单", reverse("assessments:bulletin_list")))
        items.append(("公文", reverse("assessments:document_list")))
    if user.has_perm("assessments.list_inspections"):
        items.append(("典型经验", reverse("assessments:practice_list")))
    if user.has_perm("assessments.list_incidents"):
        items.append(("案事件登记", reverse("assessments:incident_list")))
    items.append(("称号", reverse("assessments:title_list")))
    if user.has_perm("assessments.name_villages"):
        items.append(("审定命名", reverse("assessments:naming_create")))
    if user.has_perm("assessments.view_standard"):
        items.append(("创建标准", reverse("assessments:standard_list")))
    items.append(("我的下载", reverse("assessments:prepared_file_list")))
    if may_read_trail(user):
        items.append(("审计日志", reverse("audit:entry_list")))
    if user.has_perm("villages.use_admin_site") and user.is_staff:
        items.append(("管理后台", reverse("admin:index")))
    return {"nav_items": items, **_counts(user)}


def _counts(user):
    # Counted from the start of the day, so the day's kept counts stay right all day.
    today = timezone.localdate()
    start_of_day = timezone.make_aware(datetime.combine(today, time.min))
    return {
        "overdue_order_count": overdue_orders(user, today).count(),
        "recent_revocation_count": recent_revocations(
            user, start_of_day - RECENT_REVOCATIONS
        ).count(),
    }
