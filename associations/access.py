"""Who may see and change what. Every page's query starts from a queryset of this module.

Roles follow from the data, not from flags set by hand:

- administrator: a staff user (the education department, in the Django admin);
- district methodologist: a person of the district's methodical office (position «методист»,
  no school), or the current head of the district РМО;
- school deputy director: a person whose position is «заместитель директора по ВР» at a school;
- head of an association: the person of a current head appointment;
- class teacher: anyone else with a person record; they see their school and their district's
  РМО.

An object outside a user's reach is a 404, never a 403 that would confirm it exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from associations.models import Appointment, Association, Person, School


@dataclass(frozen=True)
class Roles:
    is_admin: bool = False
    person: Person | None = None
    methodologist_district_ids: frozenset[int] = frozenset()
    deputy_school_ids: frozenset[int] = frozenset()
    head_association_ids: frozenset[int] = frozenset()
    secretary_association_ids: frozenset[int] = frozenset()

    @property
    def is_methodologist(self) -> bool:
        return bool(self.methodologist_district_ids)

    @property
    def is_deputy(self) -> bool:
        return bool(self.deputy_school_ids)

    @property
    def is_head(self) -> bool:
        return bool(self.head_association_ids)

    @property
    def district_id(self) -> int | None:
        return self.person.district_id if self.person else None

    @property
    def school_id(self) -> int | None:
        return self.person.school_id if self.person else None

    @property
    def label(self) -> str:
        from django.utils.translation import gettext as _

        if self.is_admin:
            return _("администратор")
        if self.is_methodologist:
            return _("методист района")
        if self.is_deputy:
            return _("заместитель директора по ВР")
        if self.is_head:
            return _("руководитель МО")
        if self.secretary_association_ids:
            return _("секретарь МО")
        if self.person:
            return _("классный руководитель")
        return _("нет роли")


NO_ROLES = Roles()


def roles_for(user) -> Roles:
    """The user's roles, computed once per request (cached on the user object)."""
    if user is None or not user.is_authenticated:
        return NO_ROLES
    cached = getattr(user, "_rmo_roles", None)
    if cached is not None:
        return cached

    person = Person.objects.select_related("school", "district").filter(user=user).first()
    head_ids: set[int] = set()
    secretary_ids: set[int] = set()
    methodologist_districts: set[int] = set()
    deputy_schools: set[int] = set()
    if person is not None:
        today = timezone.localdate()
        for association_id, kind, district_id, role in Appointment.objects.filter(
            Q(ends_on__isnull=True) | Q(ends_on__gt=today),
            person=person,
            starts_on__lte=today,
        ).values_list("association_id", "association__kind", "association__district_id", "role"):
            if role == Appointment.Role.SECRETARY:
                secretary_ids.add(association_id)
                continue
            head_ids.add(association_id)
            if kind == Association.Kind.DISTRICT:
                methodologist_districts.add(district_id)
        if person.position == Person.Position.METHODIST and person.school_id is None:
            methodologist_districts.add(person.district_id)
        if person.position == Person.Position.DEPUTY_DIRECTOR and person.school_id:
            deputy_schools.add(person.school_id)

    roles = Roles(
        is_admin=bool(user.is_staff),
        person=person,
        methodologist_district_ids=frozenset(methodologist_districts),
        deputy_school_ids=frozenset(deputy_schools),
        head_association_ids=frozenset(head_ids),
        secretary_association_ids=frozenset(secretary_ids),
    )
    user._rmo_roles = roles
    return roles


# --- what a user may see ----------------------------------------------------------------


def schools_visible_to(user) -> QuerySet[School]:
    roles = roles_for(user)
    if roles.is_admin:
        return School.objects.all()
    q = Q(district_id__in=roles.methodologist_district_ids)
    if roles.school_id:
        q |= Q(pk=roles.school_id)
    return School.objects.filter(q) if roles.person else School.objects.none()


def associations_visible_to(user) -> QuerySet[Association]:
    """A methodologist: the whole district. A school's people: their school's associations and
    their district's РМО (its schedule is public to the district). Nobody else: nothing."""
    roles = roles_for(user)
    if roles.is_admin:
        return Association.objects.all()
    if roles.person is None:
        return Association.objects.none()
    q = Q(district_id__in=roles.methodologist_district_ids)
    q |= Q(kind=Association.Kind.DISTRICT, district_id=roles.district_id)
    if roles.school_id:
        q |= Q(school_id=roles.school_id)
    return Association.objects.filter(q)


def associations_writable_by(user) -> QuerySet[Association]:
    """Associations whose own documents (plan, meetings) the user may change: their head,
    and the district methodologist for the district РМО."""
    roles = roles_for(user)
    if roles.is_admin:
        return Association.objects.all()
    q = Q(pk__in=roles.head_association_ids)
    q |= Q(kind=Association.Kind.DISTRICT, district_id__in=roles.methodologist_district_ids)
    return Association.objects.filter(q)


def people_visible_to(user) -> QuerySet[Person]:
    """The people directory: a methodologist sees the district, a deputy their school.
    Class teachers and heads have no directory."""
    roles = roles_for(user)
    if roles.is_admin:
        return Person.objects.all()
    q = Q(district_id__in=roles.methodologist_district_ids) | Q(school_id__in=roles.deputy_school_ids)
    if not (roles.is_methodologist or roles.is_deputy):
        return Person.objects.none()
    return Person.objects.filter(q)


def can_see_directory(user) -> bool:
    roles = roles_for(user)
    return roles.is_admin or roles.is_methodologist or roles.is_deputy


def get_visible_or_404(queryset: QuerySet, pk) -> object:
    """One object of a scoped queryset, or 404 — also for malformed or unknown ids."""
    try:
        return queryset.get(pk=int(pk))
    except (TypeError, ValueError, OverflowError, queryset.model.DoesNotExist):
        raise Http404 from None


def can_write_association(user, association: Association) -> bool:
    roles = roles_for(user)
    return (
        roles.is_admin
        or association.pk in roles.head_association_ids
        or (association.is_district and association.district_id in roles.methodologist_district_ids)
    )


def association_for_user(
    user, pk, *, write: bool = False, queryset: QuerySet[Association] | None = None
) -> Association:
    """The association if the user may see it (404 otherwise); with write=True, a user who may
    see it but not change it gets 403."""
    base = queryset if queryset is not None else Association.objects.all()
    association = get_visible_or_404(
        base.filter(pk__in=associations_visible_to(user).values("pk")), pk
    )
    if write and not can_write_association(user, association):
        raise PermissionDenied
    return association


# --- the annual plan ------------------------------------------------------------------------


def can_review_plan(user, association: Association) -> bool:
    """The school's deputy director reviews a school МО's plan; the district methodologist
    reviews the РМО's plan."""
    roles = roles_for(user)
    if roles.is_admin:
        return True
    if association.is_district:
        return association.district_id in roles.methodologist_district_ids
    return association.school_id in roles.deputy_school_ids


def plans_visible_to(user) -> QuerySet:
    """Plans whose association the user may see; drafts and plans under review only to those
    who write, review or oversee them (the district methodologist); everyone else reads the
    approved plan."""
    from associations.models import AnnualPlan

    roles = roles_for(user)
    if roles.is_admin:
        return AnnualPlan.objects.all()
    visible = associations_visible_to(user).values("pk")
    involved = (
        Q(association_id__in=roles.head_association_ids)
        | Q(association__district_id__in=roles.methodologist_district_ids)
        | Q(association__school_id__in=roles.deputy_school_ids)
    )
    return AnnualPlan.objects.filter(association_id__in=visible).filter(
        involved | Q(status=AnnualPlan.Status.APPROVED)
    )


def plan_for_user(user, pk, *, queryset: QuerySet | None = None):
    from associations.models import AnnualPlan

    base = queryset if queryset is not None else AnnualPlan.objects.all()
    return get_visible_or_404(base.filter(pk__in=plans_visible_to(user).values("pk")), pk)


# --- meetings -----------------------------------------------------------------------------------


def can_record_meeting(user, association: Association) -> bool:
    """Who schedules meetings, marks attendance and writes protocols: whoever writes the
    association's documents, and its current secretary."""
    return can_write_association(user, association) or association.pk in roles_for(user).secretary_association_ids
