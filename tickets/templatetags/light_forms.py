"""`{{ form|light_form }}`: small forms (the zoom's actions, the list filter) as Bootstrap 5 markup, in Python.

The zoom shows about fourteen action forms on every request. Through crispy-forms every field,
every widget and every <option> is a template render (about 100 ms per zoom on the bench
machine); this filter writes the same markup (the ids, classes, `required`, `selected`,
help texts and errors crispy-bootstrap5 writes) with format_html. It knows the widgets those
forms and the list filter use: hidden inputs, <select> (also multiple), checkboxes and <input>
of any type; anything else (the date range's two inputs) is rendered by Django's widget.
`{{ field|light_widget }}` writes one widget alone (the list's bulk bar).
"""

from django import forms, template
from django.forms.boundfield import BoundField
from django.forms.widgets import Input
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _attrs(attrs: dict) -> SafeString:
    """` name="value"` pairs; True stands alone (`required`), False and None are left out."""
    parts = []
    for name, value in attrs.items():
        if value is True:
            parts.append(format_html(" {}", name))
        elif value is not None and value is not False:
            parts.append(format_html(' {}="{}"', name, value))
    return mark_safe("".join(parts))  # noqa: S308 - every part went through format_html


def _options(choices, selected: set[str]) -> SafeString:
    out = []
    for value, label in choices:
        if isinstance(label, (list, tuple)):  # an option group
            out.append(format_html('<optgroup label="{}">{}</optgroup>', value, _options(label, selected)))
            continue
        value = "" if value is None else str(value)
        mark = _attrs({"selected": value in selected})
        out.append(format_html('<option value="{}"{}>{}</option>', value, mark, label))
    return mark_safe("".join(out))  # noqa: S308 - format_html above


def _choices(form_field):
    """The field's choices. A ModelChoiceField's rows are read with one plain query (Django's choice
    iterator opens a server-side cursor on PostgreSQL: three round trips), or none when the view
    gave them already (tickets.reference.fill)."""
    if isinstance(form_field, forms.ModelChoiceField):
        head = [("", form_field.empty_label)] if form_field.empty_label is not None else []
        return head + [
            (form_field.prepare_value(obj), form_field.label_from_instance(obj)) for obj in form_field.queryset
        ]
    return form_field.choices


def _widget(bf: BoundField, css: str, described_by: str | None) -> SafeString:
    widget = bf.field.widget
    attrs = bf.build_widget_attrs(dict(widget.attrs))
    invalid = bool(bf.errors)
    attrs["class"] = " ".join(filter(None, [css, attrs.get("class"), "is-invalid" if invalid else ""]))
    if invalid:
        attrs["aria-invalid"] = "true"
    if described_by:
        attrs["aria-describedby"] = described_by
    attrs["id"] = bf.auto_id
    if isinstance(widget, forms.Select):  # and SelectMultiple
        selected = set(widget.format_value(bf.value()))
        if widget.allow_multiple_selected:
            attrs["multiple"] = True
        return format_html(
            '<select name="{}"{}>{}</select>', bf.html_name, _attrs(attrs), _options(_choices(bf.field), selected)
        )
    if isinstance(widget, forms.CheckboxInput):
        value = bf.value()
        head = {"type": "checkbox", "name": bf.html_name, "checked": widget.check_test(value)}
        if value not in (None, "", True, False):
            head["value"] = str(value)
        return format_html("<input{}>", _attrs({**head, **attrs}))
    if isinstance(widget, Input) and not isinstance(widget, forms.FileInput):
        value = widget.format_value(bf.value())
        head = {"type": attrs.pop("type", widget.input_type), "name": bf.html_name}
        if value not in (None, ""):
            head["value"] = value
        return format_html("<input{}>", _attrs({**head, **attrs}))
    return bf.as_widget(attrs=attrs)  # a widget these forms do not use yet: Django renders it


def _css_for(widget) -> str:
    if isinstance(widget, forms.CheckboxInput):
        return "checkboxinput form-check-input"
    if isinstance(widget, forms.Select):
        return f"{'selectmultiple' if widget.allow_multiple_selected else 'select'} form-select"
    return f"{type(widget).__name__.lower()} form-control"


def _field(bf: BoundField) -> SafeString:
    auto_id = bf.auto_id
    help_id = f"{auto_id}_helptext" if bf.help_text else None
    error_id = f"{auto_id}_error" if bf.errors else None
    required = bf.field.required
    label = format_html(
        '<label for="{}" class="form-label{}">{}{}</label>',
        auto_id,
        " requiredField" if required else "",
        bf.label,
        mark_safe('<span class="asteriskField">*</span>') if required else "",  # noqa: S308 - a constant
    )
    errors = ""
    if bf.errors:
        errors = format_html(
            '<div id="{}" class="invalid-feedback">{}</div>',
            error_id,
            format_html_join("", "<p><strong>{}</strong></p>", ((e,) for e in bf.errors)),
        )
    help_text = format_html('<div id="{}" class="form-text">{}</div>', help_id, bf.help_text) if help_id else ""
    widget = _widget(bf, _css_for(bf.field.widget), error_id or help_id)
    if isinstance(bf.field.widget, forms.CheckboxInput):
        label = format_html('<label for="{}" class="form-check-label">{}</label>', auto_id, bf.label)
        return format_html(
            '<div class="mb-3"><div id="div_{}" class="form-check">{}{}{}{}</div></div>',
            auto_id, widget, label, errors, help_text,
        )  # fmt: skip
    return format_html('<div id="div_{}" class="mb-3">{}{}{}{}</div>', auto_id, label, widget, errors, help_text)


@register.filter
def light_field(bf: BoundField) -> SafeString:
    """One visible field with its label, help text and errors (crispy's `as_crispy_field` markup)."""
    return _field(bf)


@register.filter
def light_widget(bf: BoundField) -> SafeString:
    """Only the field's widget (the bulk bar's selects), with the classes its form gave it."""
    return _widget(bf, "", None)


@register.filter
def light_form(form: forms.Form) -> SafeString:
    """Non-field errors, the hidden fields, then each visible field with its label, help text and errors."""
    parts = []
    if form.non_field_errors():
        parts.append(
            format_html(
                '<div class="alert alert-block alert-danger">{}</div>',
                format_html_join("", "<p>{}</p>", ((e,) for e in form.non_field_errors())),
            )
        )
    for bf in form.hidden_fields():
        value = bf.field.widget.format_value(bf.value())
        parts.append(
            format_html("<input{}>", _attrs({"type": "hidden", "name": bf.html_name, "value": value, "id": bf.auto_id}))
        )
    parts += [_field(bf) for bf in form.visible_fields()]
    return mark_safe(" ".join(parts))  # noqa: S308 - every part went through format_html
