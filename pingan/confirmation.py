"""Steps that cannot be taken back ask first. The step's form posts as usual; without the
confirmation field the view answers with a page that says, in the portal's words, what the
step will do, and a form that posts the same fields again, confirmed."""

from dataclasses import dataclass, field

from django.shortcuts import render

FIELD = "confirmed"


@dataclass(frozen=True)
class Confirmation:
    title: str
    action: str
    cancel_url: str
    effects: list[str] = field(default_factory=list)
    items_title: str = ""
    items: list[str] = field(default_factory=list)
    undo: str = ""
    reason_label: str = ""
    reason_required: bool = False


def is_confirmed(request):
    return request.POST.get(FIELD) == "yes"


def ask(request, confirmation, error="", status=200):
    """The page asking to confirm `confirmation`; it re-posts every field it was given."""
    kept = {"csrfmiddlewaretoken", FIELD}
    if confirmation.reason_label:
        kept.add("reason")
    carried = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in kept
        for value in values
    ]
    return render(
        request,
        "confirm.html",
        {
            "confirmation": confirmation,
            "carried": carried,
            "error": error,
            "reason": request.POST.get("reason", ""),
        },
        status=400 if error else status,
    )
