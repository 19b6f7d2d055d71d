"""Reads of the data bank's cards: one card with everything its page shows, a card to edit, one
of its files, the choices of the card's form, a user's drafts. Every read starts from
`associations.access` (kinds «material», «material_file»): an outsider gets 404, a reader who may
not change a card 403 on its editors. The search page's reads are `meetings.bank.search`."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from associations import access
from associations.access import User
from associations.models import AcademicYear, Association, Person, PlanItem
from meetings.bank.models import EventForm, Material, MaterialFile, UpbringingDirection, UpbringingModule
from meetings.bank.services import author_scope, link_scope
from meetings.models import Meeting

_PEOPLE_ORDER = ("last_name", "first_name", "patronymic", "pk")

#: How far back the card's form offers meetings and plan items: this academic year and the one
#: before (and whatever the card already links to).
LINK_YEARS_BACK = 1


def _card(queryset: QuerySet[Material]) -> QuerySet[Material]:
    """A card with its reference lists, school, owner, links, authors, classes and files: four
    queries whatever their number."""
    return queryset.select_related(
        "form", "direction", "module", "school", "district", "academic_year", "owner", "published_by",
        "meeting__association", "plan_item__plan__association", "plan_item__plan__academic_year",
    ).prefetch_related(
        Prefetch("authors", queryset=Person.objects.select_related("school").order_by(*_PEOPLE_ORDER)),
        "grades",
        Prefetch("files", queryset=MaterialFile.objects.select_related("file").order_by("pk")),
    )


def material_detail(*, user: User, pk: int | str) -> Material:
    """The card if the user sees it (404 otherwise)."""
    return access.get_visible_or_404(_card(access.visible(user, "material")), pk)


def material_for_edit(*, user: User, pk: int | str) -> Material:
    """The card if the user sees it (404 otherwise) and changes it (403 otherwise)."""
    material = material_detail(user=user, pk=pk)
    if not access.allows(user, "material", material, "write"):
        raise PermissionDenied
    return material


def material_file_for_user(*, user: User, pk: int | str) -> MaterialFile:
    """A card's file if the user sees its card (404 otherwise), with the stored file and the card."""
    return access.get_visible_or_404(
        access.visible(user, "material_file", MaterialFile.objects.select_related("file", "material")), pk
    )


def drafts_count(*, user: User) -> int:
    """How many drafts the user's person has in the bank (the home page)."""
    person = access.roles_for(user).person
    if person is None:
        return 0
    return Material.objects.filter(owner=person, visibility=Material.Visibility.DRAFT).count()


# --- the choices of the card's form -----------------------------------------------------------------


@dataclass
class MaterialChoices:
    """The querysets of the card's form, limited to what the card may name and the user sees."""

    forms: QuerySet[EventForm]
    directions: QuerySet[UpbringingDirection]
    modules: QuerySet[UpbringingModule]
    authors: QuerySet[Person]
    meetings: QuerySet[Meeting]
    plan_items: QuerySet[PlanItem]

    @classmethod
    def for_card(cls, *, user: User, material: Material) -> MaterialChoices:
        """`material`: the card being edited, or a new one with its owner's school and district set."""
        return cls(
            forms=_active(EventForm, material.form_id),
            directions=_active(UpbringingDirection, material.direction_id),
            modules=_active(UpbringingModule, material.module_id),
            authors=material_authors(material),
            meetings=_meetings(user, material),
            plan_items=_plan_items(user, material),
        )


def _active(model, current_id: int | None) -> QuerySet:
    """The reference list's active rows, and the card's own choice even if retired since."""
    q = Q(is_active=True) | Q(pk=current_id) if current_id else Q(is_active=True)
    return model.objects.filter(q).order_by("order", "name")


def material_authors(material: Material) -> QuerySet[Person]:
    """Whom the card may name as its authors (`author_scope`) and its authors already: the form
    validates against these and its picker's search (meetings:material_authors_search) offers
    them."""
    q = author_scope(material)
    if material.pk is not None:
        q |= Q(pk__in=Material.authors.through.objects.filter(material_id=material.pk).values("person_id"))
    return Person.objects.filter(q).order_by(*_PEOPLE_ORDER)


def _recent_years() -> Q:
    start = AcademicYear.start_year_for(timezone.localdate()) - LINK_YEARS_BACK
    return Q(academic_year__start_year__gte=start)


def _meetings(user: User, material: Material) -> QuerySet[Meeting]:
    """The meetings of the card's school's associations and of the district РМО the user sees, of
    this year and the last, not cancelled; and the card's own."""
    linkable = Meeting.objects.filter(
        _recent_years(), association__in=Association.objects.filter(link_scope(material)),
    ).exclude(status=Meeting.Status.CANCELLED)
    q = Q(pk__in=access.visible(user, "meeting", linkable).values("pk"))
    if material.meeting_id:
        q |= Q(pk=material.meeting_id)
    return Meeting.objects.filter(q).select_related("association").order_by("-starts_at", "-pk")


def _plan_items(user: User, material: Material) -> QuerySet[PlanItem]:
    """The items of the plans (this year's and the last) of the card's school's associations and of
    the district РМО that the user sees; and the card's own."""
    plans = access.visible(user, "plan").filter(
        _recent_years(), association__in=Association.objects.filter(link_scope(material)),
    )
    q = Q(plan__in=plans.values("pk"))
    if material.plan_item_id:
        q |= Q(pk=material.plan_item_id)
    return PlanItem.objects.filter(q).select_related("plan__association", "plan__academic_year").order_by(
        "-plan__academic_year__start_year", "plan__association__kind", "plan__association__name", "position", "pk",
    )
