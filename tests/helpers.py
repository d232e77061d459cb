from assessments import services
from assessments.models import Criterion
from tests.files import jpeg


def answer_everything(actor, assessment, cameras=6):
    """A complete, passing self-assessment: plan, every answer, the required evidence."""
    services.save_plan(
        actor=actor,
        assessment_id=assessment.pk,
        plan_text="一、目标任务……二、工作措施……",
        outreach_text="延伸到各湾组、网格",
    )
    for criterion in Criterion.objects.filter(standard=assessment.standard):
        if criterion.kind == Criterion.Kind.VETO:
            fields = {"veto_occurred": False}
        elif criterion.kind == Criterion.Kind.REQUIREMENT:
            fields = {"met": True, "narrative": "已落实"}
        elif criterion.kind == Criterion.Kind.THRESHOLD:
            fields = {"value": cameras}
        else:
            continue
        services.save_answer(
            actor=actor, assessment_id=assessment.pk, criterion_id=criterion.pk, **fields
        )
        if criterion.evidence_required:
            services.add_evidence(
                actor=actor, assessment_id=assessment.pk, criterion_id=criterion.pk, upload=jpeg()
            )
