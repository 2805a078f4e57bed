"""Helpers for tests that post admin change forms."""

from django.forms import MultiWidget
from django.utils import timezone


def _field_data(bound, zone) -> dict:
    value = bound.value()
    if value is None or value is False:
        return {}
    widget = bound.field.widget
    if isinstance(widget, MultiWidget):  # split date and time inputs
        if getattr(value, "tzinfo", None) is not None:
            value = timezone.localtime(value, zone)
        parts = widget.decompress(value)
        return {
            f"{bound.html_name}_{index}": part.isoformat() if hasattr(part, "isoformat") else part
            for index, part in enumerate(parts)
            if part is not None
        }
    return {bound.html_name: value}


def admin_form_data(response, zone=None) -> dict:
    """The POST data of an admin change form as it was shown, inlines included.
    ``zone`` is the time zone the form shows moments in (the current one by default)."""
    zone = zone or timezone.get_current_timezone()
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        data.update(_field_data(form[name], zone))
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        for sub in formset.forms:
            for name in sub.fields:
                data.update(_field_data(sub[name], zone))
    return data
