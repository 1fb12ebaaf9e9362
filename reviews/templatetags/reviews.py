from django import template

register = template.Library()


@register.filter
def next_step(review, party: str) -> str:
    return review.next_step(party)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag
def field_name(kind: str, key) -> str:
    """The form field name of a preparation text: "answer-12", "note-c3", "name-s1"."""
    return f"{kind}-{key}"
