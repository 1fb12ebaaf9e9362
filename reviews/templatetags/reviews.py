from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from competencies import cache
from competencies.wheel import Level
from reviews.models import Answer, Mark

register = template.Library()


@register.filter
def next_step(review, party: str) -> str:
    return review.next_step(party)


@register.simple_tag
def meaning(competence, part: str = "meaning") -> str:
    """A round's competence unfolded: its statements, rendered once (competencies.cache)."""
    return cache.meaning_html(competence, part)


# The texts of a preparation by the first part of their field name: the model field that
# stores each (its length limit) and the text area's height; "name" is a single line.
TEXTS = {
    "answer": (Answer._meta.get_field("text"), 3),
    "note": (Mark._meta.get_field("note"), 2),
    "name": (Mark._meta.get_field("name"), None),
}


# Below, each text is escaped once and the markup built with f-strings: format_html would
# escape every repetition of an id again, and that was most of these tags' time.


@register.simple_tag(takes_context=True)
def autosave_input(context, field_id: str, value: str = "", oob: bool = False) -> SafeString:
    """A preparation text's input, which saves itself as one types (htmx).

    Written here, not in a template: a preparation page has a few dozen of them, and with
    the radio buttons of ``level_fieldset`` they took half of its rendering there.
    """
    model_field, rows = TEXTS[field_id.partition("-")[0]]
    field_id = conditional_escape(field_id)
    if context.get("editable"):
        behaviour = (
            f' hx-post="{conditional_escape(context["text_url"])}"'
            ' hx-trigger="input changed delay:800ms"'
            f' hx-vals=\'{{"field": "{field_id}"}}\' hx-include="#state-{field_id}"'
            f' hx-params="field,{field_id},{field_id}-version" hx-target="#state-{field_id}"'
            ' hx-swap="outerHTML" hx-sync="this:queue last"'
        )
    else:
        behaviour = " readonly"
    if oob:
        behaviour = ' hx-swap-oob="true"' + behaviour
    start = f'id="id-{field_id}" name="{field_id}"'
    if context.get("readers"):
        start += f' aria-describedby="readers-{field_id}"'
    if rows is None:
        return mark_safe(
            f'<input type="text" {start} value="{conditional_escape(value or "")}"'
            f' maxlength="{model_field.max_length}"{behaviour}>'
        )
    return mark_safe(
        f'<textarea {start} rows="{rows}" maxlength="{model_field.max_length}"{behaviour}>'
        f"{conditional_escape(value or '')}</textarea>"
    )


@register.simple_tag(takes_context=True)
def autosave_field(context, kind: str, key, label: str, value: str, version: int) -> SafeString:
    """A preparation text with its label, its save state and, after a conflict, both texts.

    Its field is named by its kind and the question or tooth: "answer-12", "note-c3",
    "name-s1".

    A text changed in another window meanwhile keeps what was typed here in the field and
    shows the saved one beside it (``reviews/partials/conflict.html``) until one is chosen.
    """
    field_id = f"{kind}-{key}"
    conflict = (context.get("conflicts") or {}).get(field_id)
    note = ""
    if conflict:
        value, version = conflict.mine, conflict.current_version
        with context.push(name=field_id, conflict=conflict):
            note = context.template.engine.get_template("reviews/partials/conflict.html").render(
                context
            )
    input_ = autosave_input(context, field_id, value)
    field_id = conditional_escape(field_id)
    readers = ""
    if context.get("readers"):  # who will read it, said beside it (ReviewAccess.readers)
        readers = (
            f'<p class="readers" id="readers-{field_id}"><span class="readers__label">'
            f"{conditional_escape(gettext('Who reads it:'))}</span>"
            f" {conditional_escape(context['readers'])}</p>\n  "
        )
    return mark_safe(
        f'<div class="autosave field" id="field-{field_id}">\n'
        f'  <label for="id-{field_id}">{conditional_escape(label)}</label>\n  {readers}{input_}\n'
        f'  <div id="conflict-{field_id}">{note}</div>\n'
        f'  <span class="autosave__state" id="state-{field_id}"><input type="hidden"'
        f' name="{field_id}-version" value="{conditional_escape(version)}"></span>\n</div>'
    )


@register.simple_tag(takes_context=True)
def level_fieldset(context, row, oob: bool = False) -> SafeString:
    """A tooth's level as radio buttons, the three levels and "not marked"; htmx saves a change.

    Written here for the reason ``autosave_input`` is: one per tooth, on every page.
    """
    key = conditional_escape(row.key)
    editable = context.get("editable")
    attributes = (
        f' hx-post="{conditional_escape(context["level_url"])}" hx-trigger="change"'
        f' hx-vals=\'{{"key": "{key}"}}\' hx-target="#wheel-panel" hx-swap="outerHTML"'
        if editable
        else ""
    ) + (' hx-swap-oob="true"' if oob else "")
    disabled = "" if editable else " disabled"
    radios = "\n".join(
        f'<label class="level level--{value or "none"}"><input type="radio"'
        f' id="level-{key}-{value or "none"}" name="level-{key}" value="{value}"'
        f"{' checked' if row.level == value else ''}{disabled}> {conditional_escape(label)}</label>"
        for value, label in [*Level.choices, ("", gettext("not marked"))]
    )
    legend = gettext("Level of %(name)s") % {"name": row.name or gettext("Your own competence")}
    return mark_safe(
        f'<fieldset class="levels" id="levels-{key}"{attributes}>\n'
        f'<legend class="visually-hidden">{conditional_escape(legend)}</legend>\n'
        f"{radios}\n</fieldset>"
    )
