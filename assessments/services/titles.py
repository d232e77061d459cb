"""Writes of titles: yearly titles, the province's naming, incidents that revoke at once,
corrections that restore, periodic re-review."""

from django.db import transaction
from django.utils import timezone

from assessments.models import (
    Assessment,
    AssessmentEvent,
    Campaign,
    DocumentKind,
    Finding,
    Incident,
    IncidentCategory,
    IncidentEffect,
    NamingBatch,
    Publication,
    Recommendation,
    Title,
    TitleEvent,
)
from assessments.selectors import document_setting, titles_an_incident_revokes
from assessments.services.common import (
    audit,
    document_fields,
    full_clean,
    move_state,
    record_event,
    require_object,
    require_unused_document_number,
)
from assessments.services.publications import require_publication_settled
from assessments.services.town_review import verdict_of
from audit.trail import make_checkpoint
from pingan.errors import InvalidInput, InvalidTransition
from villages.models import Village


def incident_values(incident):
    return {
        "village": incident.village.code,
        "category": incident.category.code,
        "occurred_on": incident.occurred_on,
        "description": incident.description,
        "status": incident.status,
        "correction_reason": incident.correction_reason,
    }


def _move_title(title, actor, target, action, reason, incident=None):
    move_state(
        title,
        target,
        TitleEvent,
        actor=actor,
        action=action,
        reason=reason,
        incident=incident,
        refusal=f"{title}当前为“{title.get_status_display()}”，"
        f"不能{TitleEvent.Action(action).label}。",
    )
    title.save(update_fields=["status"])


def _grant_yearly_title(assessment, actor, number, reason):
    campaign = assessment.campaign
    title = Title.objects.create(
        village=assessment.village,
        kind=Title.Kind.SAFE_VILLAGE,
        first_year=campaign.year,
        last_year=campaign.year,
        assessment=assessment,
        certificate_number=f"{campaign.town.code}-{campaign.year}-{number:03d}",
        certificate_date=timezone.localdate(),
        issuer=document_setting(campaign.town, DocumentKind.PASS_LIST).issuing_body.full_name,
    )
    record_event(TitleEvent, title, actor, "", reason, action=TitleEvent.Action.GRANTED)
    return title


def grant_yearly_titles(campaign, actor):
    """Each village whose approved result survived re-review holds the year's 平安村 title."""
    holders = (
        Assessment.objects.filter(
            campaign=campaign, kind=Assessment.Kind.YEARLY, result_passed=True
        )
        .select_related("village", "campaign__town")
        .order_by("village__code")
    )
    for number, assessment in enumerate(holders, start=1):
        _grant_yearly_title(assessment, actor, number, f"{campaign.year}年度考评达标并经复核")


def _grant_withheld_title(assessment, actor, note):
    """The title closing would have granted, had the corrected incident not been recorded."""
    campaign = assessment.campaign
    if (
        campaign.status != Campaign.Status.CLOSED
        or assessment.kind != Assessment.Kind.YEARLY
        or not assessment.result_passed
        or Title.objects.filter(
            village=assessment.village, kind=Title.Kind.SAFE_VILLAGE, first_year=campaign.year
        ).exists()
    ):
        return
    numbers = Title.objects.filter(
        kind=Title.Kind.SAFE_VILLAGE, assessment__campaign=campaign
    ).values_list("certificate_number", flat=True)
    number = max((int(n.rsplit("-", 1)[-1]) for n in numbers), default=0) + 1
    _grant_yearly_title(assessment, actor, number, f"{campaign.year}年度考评达标；{note}")


@transaction.atomic
def record_incident(
    *,
    actor,
    village_id,
    category_id,
    occurred_on,
    description,
    case_number="",
    check_only=False,
):
    """Register an incident; a disqualifying one revokes, in this same transaction, the
    village's valid 示范村 naming and its 平安村 title of the year, and vetoes that year's
    result while it is still being decided. With check_only, refuse as it would and answer
    the titles it would revoke, writing nothing and taking no lock (a sheet's preview)."""
    villages = Village.objects.select_related("town")
    if not check_only:
        villages = villages.select_for_update()
    village = villages.get(pk=village_id)
    require_object(actor, "assessments.record_incident", village, "您不能为该村(社区)登记案事件。")
    category = IncidentCategory.objects.filter(pk=category_id, is_active=True).first()
    if category is None:
        raise InvalidInput("请选择有效的案事件类别。")
    if occurred_on > timezone.localdate():
        raise InvalidInput("发生日期不能晚于今天。")
    if not description.strip():
        raise InvalidInput("请填写简要案情。")
    if check_only:
        if not category.disqualifying:
            return []
        return list(titles_an_incident_revokes(village, occurred_on))
    incident = Incident.objects.create(
        village=village,
        category=category,
        occurred_on=occurred_on,
        description=description.strip(),
        case_number=case_number.strip(),
        recorded_by=actor,
    )
    audit(actor, "incident.recorded", incident, None, incident_values(incident))
    if not category.disqualifying:
        return incident
    reason = f"{occurred_on:%Y年%m月%d日}发生{category.name}(案事件登记)：{incident.description}"
    for title in titles_an_incident_revokes(village, occurred_on).select_for_update():
        _move_title(title, actor, Title.Status.REVOKED, TitleEvent.Action.REVOKED, reason, incident)
        IncidentEffect.objects.create(incident=incident, title=title)
    _veto_open_result(village, occurred_on.year, incident, actor, reason)
    return incident


def _veto_open_result(village, year, incident, actor, reason):
    """The year's yearly result, while still being decided, fails on the incident."""
    assessment = (
        Assessment.objects.select_for_update()
        .select_related("campaign", "village", "standard")
        .filter(village=village, kind=Assessment.Kind.YEARLY, campaign__year=year)
        .exclude(campaign__status=Campaign.Status.CLOSED)
        .first()
    )
    if assessment is None:
        return
    fields = ("town_passed", "town_reasons", "result_passed", "result_reasons")
    IncidentEffect.objects.create(
        incident=incident,
        assessment=assessment,
        previous={name: getattr(assessment, name) for name in fields},
    )
    _refresh_decided_verdicts(
        assessment, actor, f"一票否决：{reason}", AssessmentEvent.Action.INCIDENT
    )


def _refresh_decided_verdicts(assessment, actor, note, action):
    """Decide again, from the findings and the incidents standing now, every verdict of the
    assessment already decided, as the town, the leading group and the city decided it: so an
    incident and its correction are exact inverses, whatever was concluded in between."""
    fields = (
        "town_passed",
        "town_reasons",
        "city_passed",
        "city_reasons",
        "result_passed",
        "result_reasons",
    )
    before = [getattr(assessment, name) for name in fields]
    if assessment.town_passed is not None:
        town = verdict_of(assessment, Finding.Stage.TOWN)
        assessment.town_passed = town.passed
        assessment.town_reasons = [str(reason) for reason in town.reasons]
    if assessment.city_passed is not None:
        city = verdict_of(assessment, Finding.Stage.CITY)
        assessment.city_passed = city.passed
        assessment.city_reasons = [str(reason) for reason in city.reasons]
    if assessment.result_passed is not None:
        if assessment.city_passed is False:
            assessment.result_passed = False
            assessment.result_reasons = [f"市级复核不合格：{r}" for r in assessment.city_reasons]
        else:
            assessment.result_passed = assessment.town_passed
            assessment.result_reasons = assessment.town_reasons
    if before != [getattr(assessment, name) for name in fields]:
        assessment.save()
        record_event(AssessmentEvent, assessment, actor, assessment.status, note, action=action)


def _standing_incident(title):
    """A disqualifying incident still on record that the title cannot stand beside."""
    incidents = Incident.objects.filter(
        village=title.village,
        status=Incident.Status.RECORDED,
        category__disqualifying=True,
        occurred_on__year__gte=title.first_year,
    )
    if title.kind == Title.Kind.SAFE_VILLAGE:
        incidents = incidents.filter(occurred_on__year__lte=title.last_year)
    return incidents.order_by("occurred_on", "pk").first()


@transaction.atomic
def correct_incident(*, actor, incident_id, reason):
    """An incident recorded in error: restore exactly what it took away, keep both steps."""
    incident = (
        Incident.objects.select_for_update().select_related("village__town").get(pk=incident_id)
    )
    require_object(actor, "assessments.record_incident", incident.village, "您不能更正该案事件。")
    if incident.status != Incident.Status.RECORDED:
        raise InvalidTransition("该案事件已更正，不能重复更正。")
    if not reason.strip():
        raise InvalidInput("更正须说明原因(如误录)。")
    incident.status = Incident.Status.CORRECTED
    incident.correction_reason = reason.strip()
    incident.corrected_by = actor
    incident.corrected_at = timezone.now()
    incident.save()
    audit(
        actor,
        "incident.corrected",
        incident,
        {"status": Incident.Status.RECORDED},
        incident_values(incident),
    )
    note = f"案事件更正({reason.strip()})，恢复因{incident}所作处理"
    for effect in incident.effects.select_related("title", "assessment").filter(
        undone_at__isnull=True
    ):
        if effect.title_id:
            title = Title.objects.select_for_update().get(pk=effect.title_id)
            other = _standing_incident(title)
            if other is None:
                _move_title(
                    title, actor, Title.Status.VALID, TitleEvent.Action.RESTORED, note, incident
                )
            else:
                # Another incident on record would have revoked the title too: it now holds
                # the title back, and its own correction will restore it.
                IncidentEffect.objects.create(incident=other, title=title)
        else:
            assessment = (
                Assessment.objects.select_for_update()
                .select_related("campaign__town", "village", "standard")
                .get(pk=effect.assessment_id)
            )
            _refresh_decided_verdicts(
                assessment, actor, note, AssessmentEvent.Action.INCIDENT_CORRECTED
            )
            _grant_withheld_title(assessment, actor, note)
        effect.undone_at = incident.corrected_at
        effect.save(update_fields=["undone_at"])
    return incident


@transaction.atomic
def review_title(*, actor, title_id, keep, reason):
    """The province's periodic re-review of a demonstration naming: keep it or revoke it."""
    title = Title.objects.select_for_update().select_related("village__town").get(pk=title_id)
    require_object(actor, "assessments.review_title", title, "只有省委平安办可以复核示范村命名。")
    if title.kind != Title.Kind.DEMONSTRATION:
        raise InvalidInput("定期复核只针对平安湖北建设示范村(社区)命名。")
    if not reason.strip():
        raise InvalidInput("请写明复核意见。")
    if title.status != Title.Status.VALID:
        raise InvalidTransition("该命名已撤销。")
    if keep:
        record_event(
            TitleEvent, title, actor, title.status, reason.strip(), action=TitleEvent.Action.KEPT
        )
    else:
        _move_title(title, actor, Title.Status.REVOKED, TitleEvent.Action.REVOKED, reason.strip())
    return title


@transaction.atomic
def name_demonstration_villages(
    *, actor, province, first_year, document_number, issuer, named_on, picks
):
    """审定命名: `picks` are (recommendation id, certificate number) from the cities' lists."""
    require_object(actor, "assessments.name_villages", province, "只有省委平安办可以审定命名。")
    last_year = first_year + 1
    if not picks:
        raise InvalidInput("请至少选择一个命名对象。")
    batch = NamingBatch(
        province=province,
        first_year=first_year,
        last_year=last_year,
        document_number=document_number.strip(),
        issuer=issuer.strip(),
        named_on=named_on,
        named_by=actor,
    )
    full_clean(batch)
    require_unused_document_number(batch, province)
    batch.save()
    recommendations = {
        r.pk: r
        for r in Recommendation.objects.select_related(
            "assessment__village__town", "recommendation_list"
        ).filter(pk__in=[pk for pk, _ in picks])
    }
    require_publication_settled(
        Publication.Kind.NAMING,
        province,
        first_year,
        [r.assessment.village for r in recommendations.values()],
        timezone.localdate(),
        "命名",
    )
    for pk, certificate_number in picks:
        recommendation = recommendations.get(pk)
        if recommendation is None or not recommendation.assessment.village.town.is_within(province):
            raise InvalidInput("命名对象须是本省各市(县)推荐的村(社区)。")
        village = recommendation.assessment.village
        if not first_year <= recommendation.recommendation_list.year <= last_year:
            raise InvalidInput(f"{village.name}的推荐年度不在{batch.period_label}内。")
        if not certificate_number.strip():
            raise InvalidInput(f"{village.name}：请填写证书编号。")
        if Title.objects.filter(certificate_number=certificate_number.strip()).exists():
            raise InvalidInput(f"证书编号{certificate_number.strip()}已被使用。")
        if Title.objects.filter(
            village=village, kind=Title.Kind.DEMONSTRATION, first_year=first_year
        ).exists():
            raise InvalidInput(f"{village.name}已获{batch.period_label}命名。")
        standing = _standing_incident(
            Title(village=village, kind=Title.Kind.DEMONSTRATION, first_year=first_year)
        )
        if standing is not None:
            raise InvalidInput(
                f"{village.name}{standing.occurred_on:%Y年%m月%d日}发生{standing.category.name}，"
                "案事件未更正，不能命名。"
            )
        title = Title.objects.create(
            village=village,
            kind=Title.Kind.DEMONSTRATION,
            first_year=first_year,
            last_year=last_year,
            assessment=recommendation.assessment,
            naming=batch,
            certificate_number=certificate_number.strip(),
            certificate_date=named_on,
            issuer=batch.issuer,
        )
        record_event(
            TitleEvent,
            title,
            actor,
            "",
            f"{batch.document_number}审定命名",
            action=TitleEvent.Action.GRANTED,
        )
    audit(actor, "namingbatch.named", batch, None, document_fields(batch))
    batch.checkpoint = make_checkpoint(f"命名 {batch.document_number}")
    batch.save(update_fields=["checkpoint"])
    return batch
