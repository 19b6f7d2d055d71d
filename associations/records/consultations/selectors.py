"""Reads of the consultation logs: the logs a user sees (filtered, with their totals), one
consultation to edit, the people a log may name, and a person's consultations (the teacher's
page). Each reads a fixed number of queries, whatever the number of rows: the people consulted
come with one prefetch."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import Http404

from associations import access
from associations.access import User
from associations.models import Association, Consultation, Person
from associations.records.consultations.filters import ConsultationFilter

_PEOPLE_ORDER = ("last_name", "first_name", "patronymic", "pk")


def _with_people(queryset: QuerySet[Consultation]) -> QuerySet[Consultation]:
    """The consultation with its log, consultant and the people consulted (one prefetch)."""
    consulted = Person.objects.select_related("school").order_by(*_PEOPLE_ORDER)
    return queryset.select_related(
        "association", "association__school", "consultant", "consultant__school", "academic_year"
    ).prefetch_related(Prefetch("consulted", queryset=consulted))


# --- the logs ----------------------------------------------------------------------------------


def writable_logs(*, user: User) -> QuerySet[Association]:
    """The logs the user writes: the associations whose documents they write (a school МО's
    head its МО, the methodologist the РМО, an administrator those of their district)."""
    return access.visible(user, "association", action="write").select_related("school", "district").order_by(
        "district__name", "kind", "school__short_name", "name"
    )


def seen_logs(*, user: User) -> QuerySet[Association]:
    """The logs the user reads (the log filter's choices): those they write or oversee, and
    those where they consulted."""
    roles = access.roles_for(user)
    q = access.either(
        access.rule_for(user, "association", "write"),
        access.rule_for(user, "association", "oversee"),
        Q(pk__in=Consultation.objects.filter(consultant=roles.person).values("association_id"))
        if roles.person is not None else access.NOTHING,
    )
    return access.visible(user, "association", Association.objects.filter(q)).select_related("school").order_by(
        "kind", "school__short_name", "name"
    )


@dataclass
class ConsultationLog:
    filterset: ConsultationFilter
    consultations: QuerySet[Consultation]  # filtered, newest first, with their people
    count: int
    minutes: int
    can_create: bool  # the user writes at least one log

    @property
    def hours(self) -> Decimal:
        """The total duration in hours, to a tenth (12,5)."""
        return (Decimal(self.minutes) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def consultation_log(*, user: User, params) -> ConsultationLog:
    """The consultations of the logs the user sees, filtered by `params`, with the filtered
    rows' count and total duration."""
    scope = access.visible(user, "consultation")
    people = Person.objects.filter(
        pk__in=Consultation.consulted.through.objects.filter(consultation__in=scope).values("person_id")
    ).select_related("school").order_by(*_PEOPLE_ORDER)
    filterset = ConsultationFilter(
        params, queryset=_with_people(scope).order_by("-held_on", "-pk"), logs=seen_logs(user=user), people=people
    )
    consultations = filterset.qs
    totals = consultations.order_by().aggregate(count=Count("pk"), minutes=Sum("duration_minutes"))
    return ConsultationLog(
        filterset=filterset,
        consultations=consultations,
        count=totals["count"],
        minutes=totals["minutes"] or 0,
        can_create=writable_logs(user=user).exists(),
    )


def consultation_for_edit(*, user: User, pk: int | str) -> Consultation:
    """The consultation if the user sees it (404 otherwise) and writes it (403 otherwise)."""
    consultation = access.get_visible_or_404(_with_people(access.visible(user, "consultation")), pk)
    if not access.allows(user, "consultation", consultation, "write"):
        raise PermissionDenied
    return consultation


# --- whom a log names ------------------------------------------------------------------------------


def district_people(*, district_ids, also: list[Person] | None = None) -> list[Person]:
    """The people of the districts (the consultant and the people consulted are the district's),
    and whoever `also` names (those already chosen, so that an old record still validates),
    by school and name, in one query."""
    q = Q(district_id__in=list(district_ids))
    if also:
        q |= Q(pk__in=[person.pk for person in also])
    return list(
        Person.objects.filter(q).select_related("school", "district").order_by(
            "district__name", "school__short_name", *_PEOPLE_ORDER
        )
    )


def consultation_people(*, user: User, logs: list[Association] | None = None,
                        also: list[Person] | None = None) -> list[Person]:
    """Whom a consultation of the user's logs (`writable_logs`, unless given) names: the people
    of the logs' districts, and `also` (`district_people`). The form validates against these and
    its picker's search (associations:record_people_search) offers them."""
    if logs is None:
        logs = list(writable_logs(user=user))
    return district_people(district_ids={log.district_id for log in logs}, also=also)


def consultation_people_to_search(*, user: User) -> list[Person]:
    """The people the consultation form's picker searches: 404 to whoever reads no log (as the
    log's pages), 403 to whoever writes none (as its form)."""
    if not access.reaches(user, "consultation"):
        raise Http404
    logs = list(writable_logs(user=user))
    if not logs:
        raise PermissionDenied
    return consultation_people(user=user, logs=logs)


# --- a person's consultations (the teacher's page) ----------------------------------------------


def consultations_of(*, person: Person) -> list[Consultation]:
    """The consultations where the person was consulted or was the consultant, newest first,
    with their log, consultant and people consulted: two queries, whatever their number. Who
    may read them is the teacher's page's question (`access`, «person» «page»)."""
    consulted = Consultation.consulted.through.objects.filter(person=person).values("consultation_id")
    return list(
        _with_people(Consultation.objects.filter(Q(pk__in=consulted) | Q(consultant=person))).order_by(
            "-held_on", "-pk"
        )
    )
