"""Pages of 责任到人: the secretary's table of who does which item, a member's own items, and
the moves of an item between them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from assessments import services
from assessments.forms import AssignForm
from assessments.selectors import (
    access_assessment_by_id,
    access_assignment_by_id,
    assignments_of,
    grid_coverage,
    my_assignments,
    workspace_parts,
)
from pingan.errors import InvalidInput, InvalidTransition
from villages.rules import require_permission
from villages.selectors import team_of


@login_required
def assessment_assignments(request, assessment_id):
    """Who does which item, how far each is, and the form to hand out more."""
    assessment = access_assessment_by_id(request.user, assessment_id)
    require_permission(request.user, "assessments.assign_items", assessment)
    criteria, answers, evidence = workspace_parts(assessment)
    team = team_of(assessment.village)
    form = AssignForm(request.POST or None, criteria=criteria, team=team)
    if request.method == "POST" and form.is_valid():
        try:
            assigned = services.assign_items(
                actor=request.user,
                assessment_id=assessment.pk,
                criterion_ids=form.cleaned_data["criteria"],
                assignee_id=form.cleaned_data["assignee"],
                due_on=form.cleaned_data["due_on"],
            )
        except (InvalidInput, InvalidTransition) as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, f"已交办 {len(assigned)} 项给{assigned[0].assignee.display_name}。"
            )
            return redirect("assessments:assessment_assignments", assessment.pk)
    assignments = assignments_of(assessment)
    today = timezone.localdate()
    rows = [
        {
            "criterion": criterion,
            "assignment": assignments.get(criterion.pk),
            "complete": criterion.pk in answers
            and answers[criterion.pk].is_complete(criterion.kind),
            "evidence_count": len(evidence.get(criterion.pk, [])),
        }
        for criterion in criteria
        if criterion.is_judged
    ]
    for row in rows:
        assignment = row["assignment"]
        row["overdue"] = bool(assignment and assignment.is_open and assignment.due_on < today)
    grids, reached = grid_coverage(assessment)
    return render(
        request,
        "assessments/assessment_assignments.html",
        {
            "assessment": assessment,
            "form": form,
            "team": team,
            "rows": rows,
            "grids": grids,
            "grids_reached": reached,
            "waiting": sum(1 for a in assignments.values() if a.status == a.Status.HANDED_IN),
        },
        status=400 if form.errors else 200,
    )


@login_required
def my_assignments_view(request):
    """A member's items, the nearest due first: one tap opens the item to fill."""
    today = timezone.localdate()
    items = my_assignments(request.user)
    for assignment in items:
        assignment.days_left = (assignment.due_on - today).days
        assignment.days_overdue = -assignment.days_left
        assignment.overdue = assignment.is_open and assignment.days_left < 0
    return render(
        request,
        "assessments/my_assignments.html",
        {
            "open_items": [a for a in items if a.is_open],
            "done_items": [a for a in items if not a.is_open],
        },
    )


def _moved(request, assignment_id, service, success, **arguments):
    assignment = access_assignment_by_id(request.user, assignment_id)
    try:
        service(actor=request.user, assignment_id=assignment.pk, **arguments)
    except InvalidInput as error:
        messages.error(request, error.message)
    else:
        criterion = assignment.criterion
        messages.success(request, f"{criterion.label} {criterion.title}：{success}")
    return assignment


@login_required
@require_POST
def assignment_hand_in(request, assignment_id):
    assignment = _moved(
        request,
        assignment_id,
        services.hand_in,
        "已交回书记验收。",
        note=request.POST.get("note", ""),
    )
    return redirect(
        "assessments:assessment_criterion", assignment.assessment_id, assignment.criterion_id
    )


@login_required
@require_POST
def assignment_accept(request, assignment_id):
    assignment = _moved(request, assignment_id, services.accept_assignment, "已验收。")
    return redirect("assessments:assessment_assignments", assignment.assessment_id)


@login_required
@require_POST
def assignment_send_back(request, assignment_id):
    assignment = _moved(
        request,
        assignment_id,
        services.send_back_assignment,
        "已退回责任人修改。",
        note=request.POST.get("note", ""),
    )
    return redirect("assessments:assessment_assignments", assignment.assessment_id)


@login_required
@require_POST
def assignment_withdraw(request, assignment_id):
    assignment = _moved(request, assignment_id, services.withdraw_assignment, "已收回。")
    return redirect("assessments:assessment_assignments", assignment.assessment_id)
