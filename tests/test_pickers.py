"""The people pickers (rmo_portal.pickers): every form that names people renders a select the
picker script turns into a search (`data-picker`), never a Ctrl-click list; an editor of many
rows writes the people once; a long list is searched on the server; the fields validate as
before."""

from __future__ import annotations

import json
import re

import pytest
from django import forms
from django.urls import reverse

from associations.forms import MembershipAddForm
from rmo_portal.editors import SharedModelMultipleChoiceField
from rmo_portal.pickers import SEARCH_FROM, PickerList, PickerSelectMultiple, people_search_url
from tests import factories as f
from tests.helpers import login

pytestmark = pytest.mark.django_db

SELECT = re.compile(r"<select\b[^>]*>")


def selects(html: str) -> list[str]:
    return SELECT.findall(html)


def assert_no_ctrl_click_lists(html: str) -> None:
    """Every multiple select is a picker's, with no `size` (a listbox to Ctrl-click)."""
    multiple = [tag for tag in selects(html) if re.search(r"\smultiple\b", tag)]
    for tag in multiple:
        assert 'data-picker="multiple"' in tag, tag
        assert " size=" not in tag, tag
    return multiple


def test_the_plan_editor_writes_the_people_once(world):
    plan = f.plan_with_items(world.mo, world.year, n_items=12, responsible=[world.teacher_person])
    html = login(world.head).get(reverse("associations:plan_edit", args=[plan.pk])).content.decode()
    pickers = [tag for tag in assert_no_ctrl_click_lists(html) if "plan-responsible" in tag]
    assert len(pickers) >= 12 + 1  # the items and the row template (and the blank rows)
    assert html.count('type="application/json" id="picker-list-') == 1
    block = re.search(r'<script type="application/json" id="(picker-list-\d+)">(.*?)</script>', html, re.S)
    assert all(f'data-picker-list="{block.group(1)}"' in tag for tag in pickers)
    people = {o["text"] for o in json.loads(block.group(2))["options"]}
    assert {world.head_person.short_name, world.teacher_person.short_name} <= people
    # An item's select holds only its chosen people: the head is not written 12 more times.
    assert html.count(f">{world.head_person.short_name}</option>") <= 4  # the blank rows, no JS
    assert all('data-placeholder="Начните вводить фамилию…"' in tag for tag in pickers)


def test_the_editor_still_refuses_someone_of_another_school(world):
    plan = f.plan_with_items(world.mo, world.year, n_items=1, responsible=[world.teacher_person])
    stranger = f.PersonFactory(school=world.other_school)
    field = SharedModelMultipleChoiceField(
        objects={world.teacher_person.pk: world.teacher_person}, choices=[(world.teacher_person.pk, "С")],
        error_messages={"invalid_choice": "Выбран педагог не из этого объединения."},
        widget=PickerSelectMultiple(shared=PickerList([])),
    )
    with pytest.raises(forms.ValidationError, match="не из этого объединения"):
        field.clean([str(stranger.pk)])
    assert field.clean([str(world.teacher_person.pk)]) == [world.teacher_person]
    assert plan.items.get().responsible.get() == world.teacher_person


def test_adding_members_picks_by_search_and_refuses_strangers(world):
    stranger = f.PersonFactory(school=world.other_school)
    newcomer = f.PersonFactory(school=world.school, last_name="Новикова")
    html = login(world.head).get(reverse("associations:detail", args=[world.mo.pk])).content.decode()
    [people] = assert_no_ctrl_click_lists(html)
    assert 'name="people"' in people and "Ctrl" not in html
    form = MembershipAddForm({"people": [stranger.pk]}, association=world.mo, academic_year=world.year)
    assert form.errors["people"] == ["Выбран педагог не из этого объединения."]
    form = MembershipAddForm({"people": [newcomer.pk]}, association=world.mo, academic_year=world.year)
    assert form.is_valid()


def test_a_long_list_is_searched_on_the_server(world):
    f.PersonFactory.create_batch(SEARCH_FROM + 1, school=None, district=world.district)
    form = MembershipAddForm(association=world.rmo, academic_year=world.year)
    html = str(form["people"])
    assert f'data-picker-url="{people_search_url(world.rmo.pk, year_pk=world.year.pk, members=True)}"'.replace(
        "&", "&amp;"
    ) in html
    assert "<option" not in html  # nothing chosen: the picker asks as one types
    chosen = form.fields["people"].queryset.first()
    html = str(MembershipAddForm({"people": [chosen.pk]}, association=world.rmo, academic_year=world.year)["people"])
    assert html.count("<option") == 1 and "selected" in html
    # The school МО's short list stays in the page.
    assert "data-picker-url" not in str(MembershipAddForm(association=world.mo, academic_year=world.year)["people"])


def test_meeting_and_protocol_editors_have_pickers(world):
    head = login(world.head)
    html = head.get(reverse("meetings:meeting_create", args=[world.mo.pk])).content.decode()
    speakers = [tag for tag in assert_no_ctrl_click_lists(html) if "agenda-speakers" in tag]
    assert speakers and html.count('type="application/json" id="picker-list-') == 1
    meeting = f.recorded_meeting(world)
    protocol = f.ProtocolFactory(meeting=meeting)
    html = head.get(reverse("meetings:protocol_edit", args=[protocol.pk])).content.decode()
    assert_no_ctrl_click_lists(html)
    single = [tag for tag in selects(html) if 'data-picker="single"' in tag]
    assert single  # the chair, the secretary, the speakers heard, the responsible
    assert html.count('type="application/json" id="picker-list-') == 1


def test_records_forms_have_pickers(world):
    f.ContestFactory(name="Самый классный классный")
    head = login(world.head)
    for url in (
        reverse("associations:consultation_create"),
        reverse("associations:contest_entry_create"),
    ):
        html = head.get(url).content.decode()
        assert_no_ctrl_click_lists(html)
        assert 'data-picker="single"' in html and "Ctrl" not in html, url
    html = login(world.teacher).get(reverse("meetings:material_create")).content.decode()
    [authors] = assert_no_ctrl_click_lists(html)
    assert 'name="authors"' in authors and "Ctrl" not in html
