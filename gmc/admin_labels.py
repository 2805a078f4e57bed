"""Names for the admin's controls that Django leaves without one.

A screen reader announces a control by its name (its label). Two kinds of the admin's
controls have none: the inputs of a tabular inline, which sit under a column heading
instead of beside a label, and the select2 box of an autocomplete field, which is
named by the text shown in it, and so nameless while nothing is chosen (the empty row
for one more speaker, the form that adds a registration). Every tabular inline and
every model admin with autocomplete fields takes the matching class below
(``tests/gmc/test_admin_labels.py`` checks it); the date and time inputs have labels
of their own (``templates/admin/widgets/split_datetime.html``).
"""

from __future__ import annotations

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.forms.formsets import DELETION_FIELD_NAME
from django.utils.text import capfirst


class _DeleteLabelled:
    """A formset whose "delete" boxes carry their own label ("Delete") as their name."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        delete = form.fields.get(DELETION_FIELD_NAME)
        if delete is not None:
            delete.widget.attrs.setdefault("aria-label", delete.label)


class ColumnLabels:
    """For a tabular inline: each control is named after its column."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (_DeleteLabelled, formset), {})

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        # A date and time pair labels its two inputs itself.
        if (
            formfield is not None
            and formfield.label
            and not formfield.widget.is_hidden
            and not isinstance(formfield.widget, forms.MultiWidget)
        ):
            formfield.widget.attrs.setdefault("aria-label", formfield.label)
        return formfield


class _Placeholder:
    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs=extra_attrs)
        # Django leaves it empty (a placeholder lets select2 clear the choice); any text
        # does that too.
        attrs["data-placeholder"] = str(capfirst(self.field.verbose_name))
        return attrs


class PlaceholderAutocompleteSelect(_Placeholder, AutocompleteSelect):
    pass


class PlaceholderAutocompleteSelectMultiple(_Placeholder, AutocompleteSelectMultiple):
    pass


class AutocompletePlaceholders:
    """For a model admin or inline with ``autocomplete_fields``: an empty autocomplete box
    shows the field's name, which also names it for screen readers."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = PlaceholderAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = PlaceholderAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)
