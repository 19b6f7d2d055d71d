"""The plan editor's rows share the request's prototypes of their fields (plans.forms.PlanChoices),
and the plan page's mark and file forms copy their class's fields shallowly (ShallowFieldsMixin):
each row and form still has its own field and widget, so an error marks its own only, and the
rows are what the model form would have built."""

from __future__ import annotations

from django import forms

from associations.models import PlanItem
from associations.plans.forms import (
    PlanChoices,
    PlanItemFileForm,
    PlanItemForm,
    PlanItemMarkForm,
    plan_item_formset,
)
from tests import factories as f


def _posted(formset) -> dict:
    """The unchanged editor as a browser posts it back."""
    data = {
        f"{formset.prefix}-TOTAL_FORMS": str(formset.total_form_count()),
        f"{formset.prefix}-INITIAL_FORMS": str(formset.initial_form_count()),
        f"{formset.prefix}-MIN_NUM_FORMS": "0",
        f"{formset.prefix}-MAX_NUM_FORMS": "1000",
    }
    for form in formset.forms:
        for bound in form:
            value = bound.value()
            if isinstance(bound.field.widget, forms.CheckboxInput):
                continue
            if isinstance(value, list):
                data[bound.html_name] = [str(getattr(v, "pk", v)) for v in value]
            else:
                data[bound.html_name] = "" if value is None else str(getattr(value, "pk", value))
    return data


def test_rows_have_the_model_forms_fields_in_its_order_each_their_own(world):
    plan = f.plan_with_items(world.mo, world.year, n_items=4, responsible=[world.teacher_person])
    formset = plan_item_formset(plan, choices=PlanChoices.for_plan(plan))
    first, second = formset.forms[0], formset.forms[1]

    assert list(first.fields)[: len(PlanItemForm.base_fields)] == list(PlanItemForm.base_fields)
    for name in PlanItemForm.base_fields:
        assert type(first.fields[name]) is type(second.fields[name])
        assert first.fields[name] is not second.fields[name]
        assert first.fields[name].widget is not second.fields[name].widget
        assert first.fields[name].widget.attrs is not second.fields[name].widget.attrs
        assert first.fields[name] is not PlanItemForm.base_fields[name]
    assert first.fields["section"].choices is second.fields["section"].choices  # shared, read once
    assert first.fields["position"].required is False
    assert isinstance(first.fields["timing"], forms.TypedChoiceField)
    assert first.initial["content"] == "Пункт 1" and second.initial["content"] == "Пункт 2"
    assert [p.pk for p in first.initial["responsible"]] == [world.teacher_person.pk]


def test_an_error_marks_its_row_only(world):
    plan = f.plan_with_items(world.mo, world.year, n_items=4, responsible=[world.teacher_person])
    choices = PlanChoices.for_plan(plan)
    data = _posted(plan_item_formset(plan, choices=choices))
    data["items-1-content"] = " "
    data["items-2-section"] = ""

    formset = plan_item_formset(plan, data, choices=choices)

    assert not formset.is_valid()
    invalid = {
        (index, name)
        for index, form in enumerate(formset.forms)
        for name, field in form.fields.items()
        if "is-invalid" in field.widget.attrs.get("class", "").split()
    }
    assert invalid == {(1, "content"), (2, "section")}
    for name, field in choices.prototypes.items():
        assert "is-invalid" not in field.widget.attrs.get("class", ""), name
    for name, field in choices.model_prototypes.items():
        assert "is-invalid" not in field.widget.attrs.get("class", ""), name
    page = str(formset.forms[1]["content"]) + str(formset.forms[0]["content"])
    assert page.count("is-invalid") == 1


def test_each_items_mark_and_file_form_has_its_own_fields():
    first, second = PlanItem(pk=1, execution="done"), PlanItem(pk=2, execution="pending")
    marks = [
        PlanItemMarkForm({f"mark-{item.pk}-execution": item.execution}, item=item) for item in (first, second)
    ]
    assert all(form.is_valid() for form in marks)
    marks[0].add_error("execution_note", "Укажите причину.")
    files = [PlanItemFileForm({}, {}, item=first), PlanItemFileForm(item=second)]
    assert not files[0].is_valid()  # no file: the first form's file field is marked

    for forms_, invalid in ((marks, {(0, "execution_note")}), (files, {(0, "file")})):
        marked = {
            (index, name)
            for index, form in enumerate(forms_)
            for name, field in form.fields.items()
            if "is-invalid" in field.widget.attrs.get("class", "")
        }
        assert marked == invalid
        for name, field in type(forms_[0]).base_fields.items():
            assert "is-invalid" not in field.widget.attrs.get("class", ""), name
            assert forms_[0].fields[name] is not field and forms_[0].fields[name] is not forms_[1].fields[name]
    assert 'value="done" selected' in str(marks[0]["execution"])
    assert 'value="pending" selected' in str(marks[1]["execution"])
    assert str(marks[0]["execution_note"]).count("is-invalid") == 1
    assert "is-invalid" not in str(marks[1]["execution_note"])
