from django import template

register = template.Library()


@register.filter
def next_step(review, party: str) -> str:
    return review.next_step(party)
