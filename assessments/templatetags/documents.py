from django import template

from assessments.documents import percent as percent_text

register = template.Library()


@register.filter
def percent(ratio):
    """A ratio as printed in documents: 30%, 70.6%, — when there is none."""
    return percent_text(ratio)
