"""Lists that grow with the province come a page at a time, so a page costs the same for a
town of 17 villages and a province of 27,000."""

from django.core.paginator import Paginator

PAGE_SIZE = 100


def page_of(request, items, per_page=PAGE_SIZE):
    """The page asked for by `?page=N`; a page out of range gives the nearest one."""
    page = Paginator(items, per_page).get_page(request.GET.get("page"))
    others = request.GET.copy()
    others.pop("page", None)
    page.other_parameters = others.urlencode()
    return page
