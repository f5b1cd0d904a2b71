"""Form controls written in Python, the same HTML Django's widget templates write.

A page with a form on every row (the committee's decisions: a hundred rows, three controls
each) spent most of its time rendering Django's widget templates, one small template (and
one per select option) per control. InlineWidgetRenderer writes the plain widgets (text
inputs, text areas, selects) directly, byte for byte what django/forms/widgets/*.html
would, and leaves every other template to Django. A form opts in with
`default_renderer = InlineWidgetRenderer()`.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe


def _attrs(attrs: dict) -> str:
    """As django/forms/widgets/attrs.html: False left out, True a bare name, the rest quoted."""
    return "".join(
        f" {name}" if value is True else f' {name}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{escape(str(widget["value"]))}"'
    return f'<input type="{widget["type"]}" name="{escape(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def _textarea(widget: dict) -> str:
    value = conditional_escape(widget["value"]) if widget["value"] else ""
    return (
        f'<textarea name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'
    )


def _select(widget: dict) -> str:
    parts = [f'<select name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            parts.append(
                f'\n  <option value="{escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>\n"  # the option template's last line
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


WRITERS = {
    "django/forms/widgets/text.html": _input,
    "django/forms/widgets/textarea.html": _textarea,
    "django/forms/widgets/select.html": _select,
}


class InlineWidgetRenderer(DjangoTemplates):
    """Django's template renderer, except for the plain widgets in WRITERS."""

    def render(self, template_name, context, request=None):
        writer = WRITERS.get(template_name)
        if writer is None or "widget" not in context:
            return super().render(template_name, context, request=request)
        return mark_safe(writer(context["widget"]))  # noqa: S308 -- every value escaped above
