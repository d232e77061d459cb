from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from villages.selectors import access_village_by_id, village_history, visible_villages


@login_required
def village_list(request):
    villages = list(visible_villages(request.user))
    return render(
        request,
        "villages/village_list.html",
        {
            "villages": villages,
            "active_count": sum(1 for v in villages if v.is_active),
        },
    )


@login_required
def village_detail(request, village_id):
    village = access_village_by_id(request.user, village_id)
    return render(
        request,
        "villages/village_detail.html",
        {"village": village, "events": village_history(village)},
    )
