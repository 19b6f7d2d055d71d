"""What the load's virtual users log in as and open: the bench's data set
(`rmo_portal.demo.bench.bench_data`, read, never changed in shape) with a password given to
its logins and a login made for each school МО's secretary, who has none there.

Each virtual head edits a plan of their own and each virtual secretary a protocol of their
own, so the version check of the editors never finds someone else's save in between: a
conflict in the load would be a fault of the portal, not of the load.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from associations.models import AnnualPlan, Appointment, Association, Person
from meetings.models import CalendarToken, Protocol
from rmo_portal.demo.bench import bench_data

#: Every load login's password: the load's database only, never a real one (the command
#: refuses a database with districts of its own, as the bench does).
PASSWORD = "load-test-password-0"  # noqa: S105 (a test database's)
SECRETARY_PREFIX = "load-secretary-"


@dataclass
class LoadUsers:
    """Who the virtual users are, as locust reads it (JSON: no Django on that side)."""

    password: str
    teachers: list[dict] = field(default_factory=list)  # username, feed token, school МО, a plan
    heads: list[dict] = field(default_factory=list)  # username, their plan (a draft or returned)
    secretaries: list[dict] = field(default_factory=list)  # username, their draft protocol
    methodologists: list[dict] = field(default_factory=list)  # username, district, year
    signed_protocols: list[int] = field(default_factory=list)  # stored PDFs (the first district's)

    def as_dict(self) -> dict:
        return asdict(self)


@transaction.atomic
def load_users(scale: str) -> LoadUsers:
    """The data set of that scale (built if missing) and its logins, ready to log in."""
    data = bench_data(scale)
    User = get_user_model()
    slugs = [d.slug for d in data.districts]
    year = data.year
    today = timezone.localdate()
    result = LoadUsers(password=PASSWORD)

    # Secretaries: a login for the current secretary of each school МО that has a draft
    # protocol, who edits the latest of them.
    drafts: dict[int, int] = {}
    for association_id, pk in Protocol.objects.filter(
        association__district__slug__in=slugs, association__kind=Association.Kind.SCHOOL,
        status=Protocol.Status.DRAFT,
    ).order_by("-academic_year__start_year", "-number").values_list("association_id", "pk"):
        drafts.setdefault(association_id, pk)
    secretaries = (
        Appointment.objects.in_office(today)
        .filter(role=Appointment.Role.SECRETARY, association_id__in=drafts)
        .select_related("person__user")
        .order_by("association_id")
    )
    for appointment in secretaries:
        person = appointment.person
        if person.user_id is None:
            person.user = User.objects.create(username=f"{SECRETARY_PREFIX}{person.pk}")
            person.save(update_fields=["user"])
        result.secretaries.append({"username": person.user.username, "protocol": drafts[appointment.association_id]})

    # Heads: each school МО's head whose plan this year can be edited.
    editable = AnnualPlan.objects.filter(
        association__district__slug__in=slugs, association__kind=Association.Kind.SCHOOL, academic_year=year,
        status__in=[AnnualPlan.Status.DRAFT, AnnualPlan.Status.RETURNED],
    ).annotate(items_count=Count("items"))
    heads = {
        p.school_id: p.user.username
        for p in Person.objects.filter(
            school__district__slug__in=slugs, position=Person.Position.ORGANIZER, user__isnull=False
        ).select_related("user")
    }
    for plan in editable.select_related("association").order_by("association__school_id"):
        if plan.association.school_id in heads:
            result.heads.append({"username": heads[plan.association.school_id], "plan": plan.pk})

    # Teachers: each school's class teacher with a login, their feed, their МО and its approved plan.
    approved = dict(
        AnnualPlan.objects.filter(
            association__district__slug__in=slugs, association__kind=Association.Kind.SCHOOL, academic_year=year,
            status=AnnualPlan.Status.APPROVED,
        ).values_list("association_id", "pk")
    )
    tokens = dict(CalendarToken.objects.filter(user__person__district__slug__in=slugs).values_list("user_id", "token"))
    teachers = Person.objects.filter(school__district__slug__in=slugs, user__username__endswith="-teacher")
    mos = dict(
        Association.objects.filter(district__slug__in=slugs, kind=Association.Kind.SCHOOL)
        .values_list("school_id", "pk")
    )
    for person in teachers.select_related("user").order_by("school_id"):
        mo = mos[person.school_id]
        result.teachers.append({
            "username": person.user.username, "token": tokens[person.user_id], "mo": mo,
            "plan": approved.get(mo), "district": person.district_id,
        })

    for district in data.districts:
        methodologist = Person.objects.select_related("user").get(
            district=district, school=None, position=Person.Position.METHODIST
        )
        result.methodologists.append(
            {"username": methodologist.user.username, "district": district.pk, "year": year.start_year}
        )
    result.signed_protocols = list(
        Protocol.objects.filter(association__district=data.district).exclude(pdf="").values_list("pk", flat=True)
    )
    # The signed protocols are the first district's РМО's: its teachers see them.
    for teacher in result.teachers:
        teacher["signed"] = result.signed_protocols if teacher["district"] == data.district.pk else []

    usernames = [u["username"] for group in (result.teachers, result.heads, result.secretaries,
                                             result.methodologists) for u in group]
    User.objects.filter(username__in=usernames).update(password=make_password(PASSWORD), is_active=True)
    return result
