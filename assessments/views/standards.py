"""Pages of the standards."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from assessments.selectors import (
    access_standard_by_id,
    criteria_tree,
    visible_standards,
)


@login_required
def standard_list(request):
    return render(
        request,
        "assessments/standard_list.html",
        {"standards": visible_standards(request.user)},
    )


@login_required
def standard_detail(request, standard_id):
    standard = access_standard_by_id(request.user, standard_id)
    return render(
        request,
        "assessments/standard_detail.html",
        {"standard": standard, "tree": criteria_tree(standard)},
    )
