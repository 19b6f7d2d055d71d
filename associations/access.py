"""Who may see and change what, in one place. Every page's query starts from this module.

Roles follow from the data, not from flags set by hand:

- administrator: a superuser (every district), or a staff user of the education department,
  who administers their own district (`StaffDistrict`) and nothing else;
- district methodologist: a person of the district's methodical office (position «методист»,
  no school), or the current head of the district РМО;
- school deputy director: a person whose position is «заместитель директора по ВР» at a school;
- district official: the head of the education department or of the district methodical office
  (`DistrictOfficial`, assigned by the administrator), who reviews the district РМО's plan;
- head of an association: the person of a current head appointment; its secretary likewise;
- class teacher: anyone else with a person record; they see their school and their district's
  РМО.

The rules. Each kind of object (`KINDS`) has, for each action, ONE rule: a function of the
user's `Roles` giving a `Q` over the object's own field paths. From that one definition come
both the queryset filter (`visible`) and the per-object predicate (`allows`, which evaluates
the same Q against the object in memory, without a query where its related rows are loaded).
A kind whose records belong to an association states the path to it, and its rules are
mostly the association's, moved under that path (`under`):

    kind         action    who
    association  see       admin; the district methodologist (the district); a school's people
                           (their school's МО and the district's РМО)
                 write     admin; its head; the district methodologist (the РМО)
                 record    write, and its secretary (meetings, attendance, protocols)
                 review    admin; the school's deputy (a school МО); the district official (the
                           РМО); never the association's own head (nobody approves their own plan)
                 oversee   admin; the district methodologist; the school's deputy
                 report    admin; the district methodologist (the district's plans table)
                 control   record, and the district methodologist (decisions under control)
    school       see       admin; the district methodologist (the district); its own people
    person       see       admin; the district methodologist (the district); the deputy (the
                           school): the people directory
    plan         see       its association's see, and: approved, or write/review/oversee (drafts)
                 write     its association's write; review: its association's review
                 awaiting  submitted to the user for review, or returned to the user to rework
                           (the home page; the admin is not everyone's reviewer there)
    meeting      see       its association's see; record: its association's record
    protocol     see       its association's see, and: signed, or record/oversee (drafts)
                 record    its association's record
    decision     see       its association's control, and the user's own (decisions under
                           control)
                 mark      its association's record, and the user's own
                 own       the user's: responsible for it, in a signed protocol
    contest_entry see      admin; the person; the school МО head and deputy (the school); the
                           district methodologist (the district)
                 write     confirm, and the person's own while unconfirmed
                 confirm   admin, the МО head, the methodologist: never their own entry
    attestation, attestation_application, course
                 see       as contest_entry; write: the same but the deputy, who reads
    nomination   see       as contest_entry; write: admin, МО head, methodologist, never for
                           themselves
    visit        see       admin, the methodologist (the district); the school's МО head and
                           deputy; the visitor; the teacher whose event was visited
                 write     admin, the methodologist; follow_up: and the school's head and deputy
    recommendation         its visit's rules
    consultation see       its association's write and oversee; the consultant; write: the
                           association's write
    appointment  see       admin, methodologist (the district); deputy (the school); the person
                 acknowledge  the appointed person alone
    person       page      the directory's readers, the person, the head of their school's МО
    material     see       a draft: its owner; a school card: the school's people and the district
                           methodologist; a district card: the district's people; admins (no drafts)
                 write     the owner; the school's МО head, the methodologist, staff: published cards
                 publish   a school card to the district: the school's МО head, the methodologist
    material_file          its material's rules
    plan_item_file see     its plan's see
                 remove    its plan's write, and the one who attached it (who still sees it)
    decision_file see      its decision's see
                 remove    its decision's mark, and the one who attached it (who still sees it)
    monitored_class        (a ClassAssignment) pupils: its class teacher, the school's МО head and
                           deputy; write: the class teacher, the МО head; see: pupils, and the
                           district level (admin, methodologist, official: aggregates only)
    monitoring             (a ClassMonitoring) its class's rules
    monitoring_school      see: the school's МО head and deputy, the district level; pupils: the
                           head and deputy. A class of fewer than MONITORING_MIN_PUPILS pupils
                           reaches the district level only inside its school's total
    monitoring_district    see: the district level
    monitoring_method      (a Method: its questionnaire) see: whoever reaches the monitoring (the
                           per-pupil readers' rule matches anything, or the district level),
                           every method of every district: methods are not secret
    analysis     see       (a reports.Analysis) its association's see, and its write, review or
                           oversee: the school МО's head, the school's deputy, the district
                           methodologist; the РМО's methodologist (head) and district official
                 write     its association's write, while a draft or returned
                 review    its association's review (the school's deputy; the district official
                           for the РМО; never its own head), while submitted
    analysis_board         (a District) see: the district level (its methodologist, department
                           staff, district official); act (the deadline, «напомнить»): its
                           methodologist and staff, not the official
    district_summary       (a District) see: the district level
    dashboard              (a District) see: its methodologist and department staff (their home page)
    checklist    see       (an Association) its association's see, and its record, review or
                           oversee (head, secretary, deputy, methodologist; not class teachers)
                 upload    see, and its association's write (the head; the methodologist: the РМО)
    checklist_document     its association's checklist: see to download, upload to remove
    checklist_district     (a District) see: the district level (the completeness table)
    (a signed protocol's scan is asked of its protocol: see to download, record to attach; an
    appointment order's scan of its appointment: see)

The rules of the meetings app's models are written with string field paths and status values:
this app imports nothing of meetings. A new kind of record adds its rules here, nowhere else.

What a user's navigation offers (`can`) follows from the same rules: a section is there when
its rule can match anything at all (`reaches`).

An object outside a user's reach is a 404, never a 403 that would confirm it exists.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import reduce
from typing import Any

from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from associations.models import (
    AnnualPlan,
    Appointment,
    Association,
    DistrictOfficial,
    Person,
    School,
    StaffDistrict,
)

User = AbstractBaseUser | AnonymousUser


@dataclass(frozen=True)
class Roles:
    is_superuser: bool = False
    admin_district_ids: frozenset[int] = frozenset()  # a staff user's district (StaffDistrict)
    person: Person | None = None
    methodologist_district_ids: frozenset[int] = frozenset()
    deputy_school_ids: frozenset[int] = frozenset()
    head_association_ids: frozenset[int] = frozenset()
    head_school_ids: frozenset[int] = frozenset()  # the schools whose МО the user heads
    secretary_association_ids: frozenset[int] = frozenset()
    official_district_ids: frozenset[int] = frozenset()  # DistrictOfficial: reviews the РМО's plan
    official_role: str = ""  # its DistrictOfficial.Role

    @property
    def is_admin(self) -> bool:
        """A superuser, or a staff user of a district."""
        return self.is_superuser or bool(self.admin_district_ids)

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
    def is_district_official(self) -> bool:
        return bool(self.official_district_ids)

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
        if self.is_district_official:
            return str(DistrictOfficial.Role(self.official_role).label)
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


def roles_for(user: User | None) -> Roles:
    """The user's roles, computed once per request (cached on the user object)."""
    if user is None or not user.is_authenticated:
        return NO_ROLES
    cached = getattr(user, "_rmo_roles", None)
    if cached is not None:
        return cached

    # The district official's role comes with the person, in the same query (a subquery).
    in_office = DistrictOfficial.objects.in_office(timezone.localdate()).filter(person=OuterRef("pk"))
    person = (
        Person.objects.select_related("school", "district")
        .annotate(
            official_district_id=Subquery(in_office.values("district_id")[:1]),
            official_role=Subquery(in_office.values("role")[:1]),
        )
        .filter(user=user)
        .first()
    )
    head_ids: set[int] = set()
    head_schools: set[int] = set()
    secretary_ids: set[int] = set()
    methodologist_districts: set[int] = set()
    deputy_schools: set[int] = set()
    if person is not None:
        today = timezone.localdate()
        for association_id, kind, district_id, school_id, role in Appointment.objects.in_office(today).filter(
            person=person,
        ).values_list("association_id", "association__kind", "association__district_id", "association__school_id",
                      "role"):
            if role == Appointment.Role.SECRETARY:
                secretary_ids.add(association_id)
                continue
            head_ids.add(association_id)
            if school_id:
                head_schools.add(school_id)
            if kind == Association.Kind.DISTRICT:
                methodologist_districts.add(district_id)
        if person.position == Person.Position.METHODIST and person.school_id is None:
            methodologist_districts.add(person.district_id)
        if person.position == Person.Position.DEPUTY_DIRECTOR and person.school_id:
            deputy_schools.add(person.school_id)

    admin_districts: frozenset[int] = frozenset()
    if user.is_staff and not user.is_superuser:
        admin_districts = frozenset(StaffDistrict.objects.filter(user=user).values_list("district_id", flat=True))
    roles = Roles(
        is_superuser=bool(user.is_superuser and user.is_staff),
        admin_district_ids=admin_districts,
        person=person,
        methodologist_district_ids=frozenset(methodologist_districts),
        deputy_school_ids=frozenset(deputy_schools),
        head_association_ids=frozenset(head_ids),
        head_school_ids=frozenset(head_schools),
        secretary_association_ids=frozenset(secretary_ids),
        official_district_ids=frozenset(
            [person.official_district_id] if person is not None and person.official_district_id else []
        ),
        official_role=(person.official_role or "") if person is not None else "",
    )
    user._rmo_roles = roles
    return roles


# --- Q: building rules ------------------------------------------------------------------------

#: Matches every row (a rule's answer for the administrator). Written as a lookup, never as an
#: empty Q(): `Q() | q` is q, so an empty Q would not survive being combined.
EVERYTHING = Q(pk__isnull=False)
#: Matches no row: Django runs no query for it, the evaluator answers False.
NOTHING = Q(pk__in=())


def _is_everything(q: Q) -> bool:
    return q == EVERYTHING


def _is_nothing(q: Q | tuple) -> bool:
    """Whether a Q provably matches nothing: an `__in` an empty collection, an AND with such a
    part, an OR of nothing but such parts. (Conservative: False when it cannot tell.)"""
    if isinstance(q, tuple):
        lookup, value = q
        return lookup.endswith("__in") and isinstance(value, (set, frozenset, list, tuple)) and not value
    if q.negated or not q.children:
        return False
    if q.connector == Q.AND:
        return any(_is_nothing(child) for child in q.children)
    if q.connector == Q.OR:
        return all(_is_nothing(child) for child in q.children)
    return False


def either(*parts: Q) -> Q:
    """OR, dropping the parts that match nothing; EVERYTHING absorbs the rest."""
    kept = [q for q in parts if not _is_nothing(q)]
    if any(_is_everything(q) for q in kept):
        return EVERYTHING
    return reduce(operator.or_, kept) if kept else NOTHING


def both(*parts: Q) -> Q:
    """AND, dropping the parts that match everything; NOTHING absorbs the rest."""
    if any(_is_nothing(q) for q in parts):
        return NOTHING
    kept = [q for q in parts if not _is_everything(q)]
    return reduce(operator.and_, kept) if kept else EVERYTHING


def under(path: str, q: Q) -> Q:
    """The Q of a related object, asked from the object that points to it: every lookup gets
    `path__` in front. The path must be of non-null foreign keys (EVERYTHING stays EVERYTHING)."""
    if not path or _is_everything(q) or _is_nothing(q):
        return q
    children = [under(path, c) if isinstance(c, Q) else (f"{path}__{c[0]}", c[1]) for c in q.children]
    return Q(*children, _connector=q.connector, _negated=q.negated)


# --- Q: evaluating a rule against an object in memory --------------------------------------------

LOOKUPS = frozenset({"exact", "in", "isnull"})


def evaluate(q: Q, obj: Model) -> bool:
    """Whether `obj` is a row `queryset.filter(q)` would return, without a query: AND, OR and
    negation; the lookups exact (also `=None`), `__in` and `__isnull`; paths through forward
    foreign keys and one-to-ones (read from the rows already loaded) and reverse one-to-ones.
    `fk__pk` / `fk_id` read the column, not the related row. Anything else raises ValueError
    rather than guess."""
    if q.connector == Q.AND:
        result = all(_evaluate_child(child, obj) for child in q.children)
    elif q.connector == Q.OR:
        result = any(_evaluate_child(child, obj) for child in q.children)
    else:
        raise ValueError(f"unsupported connector {q.connector!r}")
    return not result if q.negated else result


def _evaluate_child(child: Q | tuple, obj: Model) -> bool:
    if isinstance(child, Q):
        return evaluate(child, obj)
    lookup, expected = child
    parts = lookup.split("__")
    op = parts.pop() if len(parts) > 1 and parts[-1] in LOOKUPS else "exact"
    if isinstance(expected, (Model, QuerySet)):
        raise ValueError(f"{lookup}: write the rule with ids, not with {type(expected).__name__}")
    actual = _resolve(obj, parts, lookup)
    if op == "isnull":
        return (actual is None) == bool(expected)
    if op == "in":
        # SQL: NULL is in no list.
        return actual is not None and actual in expected
    if expected is None:
        return actual is None
    return actual is not None and actual == expected


def _resolve(obj: Any, parts: list[str], lookup: str) -> Any:
    for index, name in enumerate(parts):
        if obj is None:
            return None  # SQL's LEFT JOIN through a null foreign key
        if not isinstance(obj, Model):
            raise ValueError(f"{lookup}: unsupported lookup {name!r} (only {', '.join(sorted(LOOKUPS))})")
        if name == "pk":
            obj = obj.pk
            continue
        try:
            model_field = obj._meta.get_field(name)
        except FieldDoesNotExist:
            raise ValueError(f"{lookup}: no field {name!r} on {type(obj).__name__}") from None
        if not model_field.is_relation or name != model_field.name:
            obj = getattr(obj, model_field.attname if hasattr(model_field, "attname") else name)
            continue
        if model_field.many_to_many or model_field.one_to_many:
            raise ValueError(f"{lookup}: {name!r} is multi-valued, a rule may not go through it")
        rest = parts[index + 1:]
        if model_field.concrete:
            target = model_field.target_field.name
            if not rest or (len(rest) == 1 and rest[0] in ("pk", target)):
                return getattr(obj, model_field.attname)  # the column: no related row needed
            obj = getattr(obj, name)
        else:  # a reverse one-to-one
            try:
                obj = getattr(obj, model_field.get_accessor_name())
            except ObjectDoesNotExist:
                return None
    return obj


# --- the rules ---------------------------------------------------------------------------------

Rule = Callable[[Roles], Q]
DISTRICT, SCHOOL = Association.Kind.DISTRICT, Association.Kind.SCHOOL


def _administered(roles: Roles) -> Q:
    """A staff user's district, asked of an object with a `district` (association, school,
    person)."""
    return Q(district_id__in=roles.admin_district_ids)


def _association_see(roles: Roles) -> Q:
    if roles.is_superuser:
        return EVERYTHING
    if roles.person is None:
        return _administered(roles)
    return either(
        _administered(roles),
        Q(district_id__in=roles.methodologist_district_ids),
        # The district's РМО: its schedule is public to the district.
        Q(kind=DISTRICT, district_id=roles.district_id),
        Q(school_id=roles.school_id) if roles.school_id else NOTHING,
    )


def _writers(roles: Roles) -> Q:
    """Who writes an association's own documents (plan, meetings) by their role: its head, and
    the district methodologist for the district РМО."""
    return either(
        Q(pk__in=roles.head_association_ids),
        Q(kind=DISTRICT, district_id__in=roles.methodologist_district_ids),
    )


def _not_headed(roles: Roles, q: Q) -> Q:
    """`q` without the associations the user heads: nobody reviews their own plan."""
    if not roles.head_association_ids or _is_nothing(q):
        return q
    return both(q, ~Q(pk__in=roles.head_association_ids))


def _reviewers(roles: Roles) -> Q:
    """Who reviews an association's plan by their role: the school's deputy director a school
    МО's, the district's official (the head of the education department or of the methodical
    office) the РМО's; never the association's own head."""
    return _not_headed(
        roles,
        either(
            Q(kind=DISTRICT, district_id__in=roles.official_district_ids),
            Q(kind=SCHOOL, school_id__in=roles.deputy_school_ids),
        ),
    )


def _association_review(roles: Roles) -> Q:
    """The reviewers, and the administrators: neither ever for an association they head."""
    return _not_headed(roles, _admin_or(_reviewers)(roles))


def _admin_or(rule: Rule) -> Rule:
    """The rule, and the administrators: a superuser everywhere, a staff user in their district."""
    return lambda roles: EVERYTHING if roles.is_superuser else either(_administered(roles), rule(roles))


def _district_methodologist(roles: Roles) -> Q:
    return Q(district_id__in=roles.methodologist_district_ids)


def _overseers(roles: Roles) -> Q:
    return either(_district_methodologist(roles), Q(school_id__in=roles.deputy_school_ids))


_association_write = _admin_or(_writers)


def _association_record(roles: Roles) -> Q:
    return either(_association_write(roles), Q(pk__in=roles.secretary_association_ids))


def _association_control(roles: Roles) -> Q:
    return either(_association_record(roles), _district_methodologist(roles))


ASSOCIATION_RULES: dict[str, Rule] = {
    "see": _association_see,
    "write": _association_write,
    "record": _association_record,
    "review": _association_review,
    "oversee": _admin_or(_overseers),
    "report": _admin_or(_district_methodologist),
    "control": _association_control,
}


def _school_see(roles: Roles) -> Q:
    if roles.is_superuser:
        return EVERYTHING
    if roles.person is None:
        return _administered(roles)
    return either(
        _administered(roles),
        Q(district_id__in=roles.methodologist_district_ids),
        Q(pk=roles.school_id) if roles.school_id else NOTHING,
    )


def _person_see(roles: Roles) -> Q:
    """The people directory: the methodologist sees the district, a deputy their school; class
    teachers and heads have none."""
    if roles.is_superuser:
        return EVERYTHING
    return either(
        _administered(roles),
        Q(district_id__in=roles.methodologist_district_ids), Q(school_id__in=roles.deputy_school_ids),
    )


@dataclass(frozen=True)
class Kind:
    """A kind of object: its model (`app_label.Model`, for a default queryset), the path from it
    to its association (None where it has none) and its rules, one per action."""

    name: str
    model: str
    association_path: str | None
    rules: dict[str, Rule] = field(default_factory=dict)

    def rule(self, action: str) -> Rule:
        try:
            return self.rules[action]
        except KeyError:
            raise ValueError(f"{self.name}: no rule for {action!r} (rules: {', '.join(self.rules)})") from None

    def association_rule(self, action: str) -> Rule:
        """The association's rule for `action`, asked from this kind's objects."""
        association_rule, path = ASSOCIATION_RULES[action], self.association_path or ""
        return lambda roles: under(path, association_rule(roles))


KINDS: dict[str, Kind] = {}


def register(name: str, *, model: str, association_path: str | None,
             rules: Callable[[Kind], Mapping[str, Rule]]) -> Kind:
    """Adds a kind; `rules` gets the kind (for `kind.association_rule`) and returns its rules."""
    kind = Kind(name=name, model=model, association_path=association_path)
    kind.rules.update(rules(kind))
    KINDS[name] = kind
    return kind


register("association", model="associations.Association", association_path="", rules=lambda k: ASSOCIATION_RULES)
register("school", model="associations.School", association_path=None, rules=lambda k: {"see": _school_see})


def _person_page(roles: Roles) -> Q:
    """A teacher's page (their records): the directory's readers, the person themselves, and the
    head of their school's МО."""
    return either(
        _person_see(roles),
        Q(pk=roles.person.pk) if roles.person is not None else NOTHING,
        Q(school_id__in=roles.head_school_ids),
    )


register("person", model="associations.Person", association_path=None,
         rules=lambda k: {"see": _person_see, "page": _person_page})


def _plan_rules(kind: Kind) -> dict[str, Rule]:
    def see(roles: Roles) -> Q:
        # Drafts and plans under review only to those who write, review or oversee them;
        # everyone else who sees the association reads the approved plan.
        return both(
            kind.association_rule("see")(roles),
            either(
                kind.association_rule("write")(roles),
                kind.association_rule("review")(roles),
                kind.association_rule("oversee")(roles),
                Q(status=AnnualPlan.Status.APPROVED),
            ),
        )

    def awaiting(roles: Roles) -> Q:
        return either(
            both(Q(status=AnnualPlan.Status.SUBMITTED), under(kind.association_path, _reviewers(roles))),
            both(Q(status=AnnualPlan.Status.RETURNED), under(kind.association_path, _writers(roles))),
        )

    return {
        "see": see,
        "write": kind.association_rule("write"),
        "review": kind.association_rule("review"),
        "awaiting": awaiting,
    }


register("plan", model="associations.AnnualPlan", association_path="association", rules=_plan_rules)

register(
    "meeting", model="meetings.Meeting", association_path="association",
    rules=lambda k: {"see": k.association_rule("see"), "record": k.association_rule("record")},
)

PROTOCOL_SIGNED = "signed"  # meetings.Protocol.Status.SIGNED


def _protocol_rules(kind: Kind) -> dict[str, Rule]:
    def see(roles: Roles) -> Q:
        # Drafts are read by those who write them (head, secretary, the methodologist for the
        # РМО) and those who oversee the association (its school's deputy director, the
        # district's methodologist); a class teacher reads a protocol once it is signed.
        return both(
            kind.association_rule("see")(roles),
            either(
                kind.association_rule("record")(roles),
                kind.association_rule("oversee")(roles),
                Q(status=PROTOCOL_SIGNED),
            ),
        )

    return {"see": see, "record": kind.association_rule("record")}


register("protocol", model="meetings.Protocol", association_path="association", rules=_protocol_rules)


def _decision_rules(kind: Kind) -> dict[str, Rule]:
    def own(roles: Roles) -> Q:
        # A draft protocol's decisions may still change, and a class teacher does not read
        # drafts: their own become theirs once the protocol is signed.
        if roles.person is None:
            return NOTHING
        return Q(responsible_id=roles.person.pk, protocol_item__protocol__status=PROTOCOL_SIGNED)

    signed = Q(protocol_item__protocol__status=PROTOCOL_SIGNED)
    return {
        # The admin's: every decision of the associations the user controls, drafts included.
        "see": lambda roles: either(kind.association_rule("control")(roles), own(roles)),
        # The control page: a draft protocol's decisions are shown to neither its head nor the
        # person responsible (they may still change); from the signing on, to both.
        "control": lambda roles: both(signed, either(kind.association_rule("control")(roles), own(roles))),
        "mark": lambda roles: both(signed, either(kind.association_rule("record")(roles), own(roles))),
        "own": own,
    }


register(
    "decision", model="meetings.Decision", association_path="protocol_item__protocol__association",
    rules=_decision_rules,
)


# --- the records of methodical work (associations.records) ------------------------------------------


def _me(roles: Roles) -> int | None:
    return roles.person.pk if roles.person is not None else None


def _personal(roles: Roles, *, path: str = "person", own: bool = True, readers: bool = True) -> Q:
    """Whose records of a person (reached by `path`) the user reaches: an administrator's district,
    the person's own (`own`), the school МО head's school, the deputy director's school
    (`readers`: the deputy reads, never writes), the district methodologist's district."""
    if roles.is_superuser:
        return EVERYTHING
    schools = roles.head_school_ids | (roles.deputy_school_ids if readers else frozenset())
    return either(
        Q(**{f"{path}__district_id__in": roles.admin_district_ids}),
        Q(**{f"{path}_id": _me(roles)}) if own and roles.person is not None else NOTHING,
        Q(**{f"{path}__school_id__in": schools}),
        Q(**{f"{path}__district_id__in": roles.methodologist_district_ids}),
    )


def _not_own(roles: Roles, q: Q, *, path: str = "person") -> Q:
    """`q` without the user's own records: nobody confirms their own entry."""
    if roles.person is None or _is_nothing(q):
        return q
    return both(q, ~Q(**{f"{path}_id": roles.person.pk}))


def record_people(user: User | None, *, action: str = "write", queryset: QuerySet | None = None) -> QuerySet[Person]:
    """The people whose records (contest entries, attestation, courses) the user may `action`
    ("see" or "write"): the same rule as the records', asked of the people themselves. The
    pickers of the record forms and the lists' «педагог» filter offer these."""
    roles = roles_for(user)
    queryset = Person.objects.all() if queryset is None else queryset
    if roles.is_superuser:
        return queryset
    schools = roles.head_school_ids | (roles.deputy_school_ids if action == "see" else frozenset())
    q = either(
        Q(district_id__in=roles.admin_district_ids),
        Q(pk=roles.person.pk) if roles.person is not None else NOTHING,
        Q(school_id__in=schools),
        Q(district_id__in=roles.methodologist_district_ids),
    )
    return queryset.none() if _is_nothing(q) else queryset.filter(q)


CONTEST_ENTERED = "entered"  # records.ContestEntry.Status.ENTERED


def _contest_entry_rules(kind: Kind) -> dict[str, Rule]:
    """A teacher enters their own and may change it until it is confirmed; the МО head (their
    school), the methodologist (the district) and the administrators enter, change and confirm
    anyone's but their own; the deputy director reads their school's."""

    def confirm(roles: Roles) -> Q:
        return _not_own(roles, _personal(roles, own=False, readers=False))

    return {
        "see": _personal,
        "write": lambda roles: either(
            confirm(roles),
            both(Q(person_id=_me(roles)), Q(status=CONTEST_ENTERED)) if roles.person is not None else NOTHING,
        ),
        "confirm": confirm,
    }


def _personal_record_rules(kind: Kind) -> dict[str, Rule]:
    """Attestation, its applications, courses: the person enters their own; the МО head, the
    methodologist and the administrators anyone's of theirs; the deputy director reads."""
    return {"see": _personal, "write": lambda roles: _personal(roles, readers=False)}


def _nomination_rules(kind: Kind) -> dict[str, Rule]:
    """A nomination is the МО's (the head's) or the district's, never the person's own: the
    person reads theirs."""
    return {"see": _personal, "write": lambda roles: _not_own(roles, _personal(roles, own=False, readers=False))}


register("contest_entry", model="associations.ContestEntry", association_path=None, rules=_contest_entry_rules)
register("attestation", model="associations.Attestation", association_path=None, rules=_personal_record_rules)
register(
    "attestation_application", model="associations.AttestationApplication", association_path=None,
    rules=_personal_record_rules,
)
register("course", model="associations.Course", association_path=None, rules=_personal_record_rules)
register("nomination", model="associations.Nomination", association_path=None, rules=_nomination_rules)


def contest_results_district_ids(user: User | None) -> frozenset[int] | None:
    """The districts whose district-stage contest results the user enters for everyone at once
    (a table of participants): an administrator's and the district methodologist's; None for a
    superuser (every district). Each entry of the table is still asked of «contest_entry»
    «confirm» (nobody confirms their own)."""
    roles = roles_for(user)
    if roles.is_superuser:
        return None
    return roles.admin_district_ids | roles.methodologist_district_ids


def _visit_see(roles: Roles) -> Q:
    """The district's methodologist (who visits), the visited school's МО head and deputy
    director, the visitor and the teacher whose event was visited."""
    if roles.is_superuser:
        return EVERYTHING
    return either(
        Q(school__district_id__in=roles.admin_district_ids | roles.methodologist_district_ids),
        Q(school_id__in=roles.head_school_ids | roles.deputy_school_ids),
        Q(visitor_id=_me(roles)) if roles.person is not None else NOTHING,
        Q(visited_person_id=_me(roles)) if roles.person is not None else NOTHING,
    )


def _visit_write(roles: Roles) -> Q:
    """Visits are written by the district's methodical office (the РМО head is its methodologist)."""
    if roles.is_superuser:
        return EVERYTHING
    return Q(school__district_id__in=roles.admin_district_ids | roles.methodologist_district_ids)


def _visit_follow_up(roles: Roles) -> Q:
    """The school's follow-up mark on a recommendation: its МО head and deputy director, and those
    who write the visit."""
    return either(_visit_write(roles), Q(school_id__in=roles.head_school_ids | roles.deputy_school_ids))


VISIT_RULES: dict[str, Rule] = {"see": _visit_see, "write": _visit_write, "follow_up": _visit_follow_up}
register("visit", model="associations.Visit", association_path=None, rules=lambda k: VISIT_RULES)
register(
    "recommendation", model="associations.VisitRecommendation", association_path=None,
    rules=lambda k: {
        action: (lambda roles, rule=rule: under("visit", rule(roles))) for action, rule in VISIT_RULES.items()
    },
)


def _consultation_rules(kind: Kind) -> dict[str, Rule]:
    """The log of an association: those who write the association's documents and those who oversee
    it read and write it (the deputy reads); the consultant reads their own."""

    def see(roles: Roles) -> Q:
        return either(
            kind.association_rule("write")(roles),
            kind.association_rule("oversee")(roles),
            Q(consultant_id=_me(roles)) if roles.person is not None else NOTHING,
        )

    return {"see": see, "write": kind.association_rule("write")}


register("consultation", model="associations.Consultation", association_path="association", rules=_consultation_rules)


def _appointment_rules(kind: Kind) -> dict[str, Rule]:
    """An appointment and its acknowledgment of the instruction: the appointed person (who alone
    acknowledges, in the portal), the district's methodologist (who sees who has not), the
    school's deputy director, the administrators."""

    def see(roles: Roles) -> Q:
        if roles.is_superuser:
            return EVERYTHING
        return either(
            Q(association__district_id__in=roles.admin_district_ids | roles.methodologist_district_ids),
            Q(association__school_id__in=roles.deputy_school_ids),
            Q(person_id=_me(roles)) if roles.person is not None else NOTHING,
        )

    return {
        "see": see,
        "acknowledge": lambda roles: Q(person_id=_me(roles)) if roles.person is not None else NOTHING,
    }


register("appointment", model="associations.Appointment", association_path="association", rules=_appointment_rules)


# --- the data bank of educational events (meetings.bank) ------------------------------------------

MATERIAL_DRAFT, MATERIAL_SCHOOL, MATERIAL_DISTRICT = "draft", "school", "district"  # Material.Visibility


def _material_see(roles: Roles) -> Q:
    """A draft is its owner's; a school card is its school's and the district methodologist's; a
    district card is the district's. The owner always sees their own; a staff user their district."""
    if roles.is_superuser:
        return EVERYTHING
    me = _me(roles)
    return either(
        both(Q(district_id__in=roles.admin_district_ids), ~Q(visibility=MATERIAL_DRAFT))
        if roles.admin_district_ids else NOTHING,
        Q(owner_id=me) if me is not None else NOTHING,
        Q(visibility=MATERIAL_SCHOOL, school_id=roles.school_id) if roles.school_id else NOTHING,
        Q(visibility=MATERIAL_SCHOOL, district_id__in=roles.methodologist_district_ids),
        Q(visibility=MATERIAL_DISTRICT, district_id=roles.district_id) if roles.person is not None else NOTHING,
        Q(visibility=MATERIAL_DISTRICT, district_id__in=roles.methodologist_district_ids),
    )


def _material_write(roles: Roles) -> Q:
    """The owner changes their card (and its files); the school's МО head the school's published
    cards, the district methodologist the district's, a staff user those of their district: never
    someone's draft."""
    if roles.is_superuser:
        return EVERYTHING
    me = _me(roles)
    return either(
        Q(owner_id=me) if me is not None else NOTHING,
        both(~Q(visibility=MATERIAL_DRAFT), either(
            Q(school_id__in=roles.head_school_ids),
            Q(district_id__in=roles.methodologist_district_ids | roles.admin_district_ids),
        )),
    )


def _material_publish(roles: Roles) -> Q:
    """A school card goes to the district by the school's МО head, the district methodologist or a
    staff user of the district (the owner chooses «весь район» in the card itself)."""
    if roles.is_superuser:
        return Q(visibility=MATERIAL_SCHOOL)
    return both(Q(visibility=MATERIAL_SCHOOL), either(
        Q(school_id__in=roles.head_school_ids),
        Q(district_id__in=roles.methodologist_district_ids | roles.admin_district_ids),
    ))


MATERIAL_RULES: dict[str, Rule] = {"see": _material_see, "write": _material_write, "publish": _material_publish}
register("material", model="meetings.Material", association_path=None, rules=lambda k: MATERIAL_RULES)
register(
    "material_file", model="meetings.MaterialFile", association_path=None,
    rules=lambda k: {
        action: (lambda roles, rule=rule: under("material", rule(roles))) for action, rule in MATERIAL_RULES.items()
    },
)


# --- monitoring of pupils' upbringing level (reports.monitoring) ---------------------------------

#: A class's figures reach district-level readers on their own only from this many pupils; a
#: smaller class is counted inside its school's total (a child of a class of three is too easy
#: to recognise in a «низкий» of one).
MONITORING_MIN_PUPILS = 5


def _monitoring_pupils(roles: Roles) -> Q:
    """Per-pupil rows of a class (asked of a ClassAssignment): its class teacher, the school's МО
    head and deputy director. Nobody at district level, the administrators included."""
    me = _me(roles)
    return either(
        Q(teacher_id=me) if me is not None else NOTHING,
        Q(school_id__in=roles.head_school_ids | roles.deputy_school_ids),
    )


def _monitoring_write(roles: Roles) -> Q:
    """Who enters a class's grades: its class teacher and the school's МО head."""
    me = _me(roles)
    return either(Q(teacher_id=me) if me is not None else NOTHING, Q(school_id__in=roles.head_school_ids))


def _district_level(roles: Roles) -> frozenset[int]:
    """The districts whose aggregates the user reads: an administrator's, the methodologist's,
    the district official's."""
    return roles.admin_district_ids | roles.methodologist_district_ids | roles.official_district_ids


def district_level_rule(roles: Roles) -> Q:
    """A District's pages of the district level (its board of analyses, its summary, its
    documentation table): its methodologist, its district official, its department staff; a
    superuser any district. Nobody else (the schools' people, another district's: 404)."""
    if roles.is_superuser:
        return EVERYTHING
    return Q(pk__in=_district_level(roles))


def district_office_rule(roles: Roles) -> Q:
    """What a District's methodical office does (the dashboard, the deadline, the reminders): its
    methodologist and its department staff; a superuser any district; not the district official,
    who reviews the РМО but does not run the district."""
    if roles.is_superuser:
        return EVERYTHING
    return Q(pk__in=roles.admin_district_ids | roles.methodologist_district_ids)


def _monitoring_see(roles: Roles) -> Q:
    """A class's results: per-pupil readers, and (aggregates only) the district level."""
    if roles.is_superuser:
        return EVERYTHING
    return either(_monitoring_pupils(roles), Q(school__district_id__in=_district_level(roles)))


MONITORING_RULES: dict[str, Rule] = {"see": _monitoring_see, "pupils": _monitoring_pupils, "write": _monitoring_write}
register("monitored_class", model="associations.ClassAssignment", association_path=None,
         rules=lambda k: MONITORING_RULES)
register(
    "monitoring", model="reports.ClassMonitoring", association_path=None,
    rules=lambda k: {
        action: (lambda roles, rule=rule: under("class_assignment", rule(roles)))
        for action, rule in MONITORING_RULES.items()
    },
)


def _monitoring_school_pupils(roles: Roles) -> Q:
    return Q(pk__in=roles.head_school_ids | roles.deputy_school_ids)


def _monitoring_school_see(roles: Roles) -> Q:
    """A school's table by class: its МО head and deputy director (every class), and the district
    level (classes of fewer than MONITORING_MIN_PUPILS only inside the total)."""
    if roles.is_superuser:
        return EVERYTHING
    return either(_monitoring_school_pupils(roles), Q(district_id__in=_district_level(roles)))


register("monitoring_school", model="associations.School", association_path=None,
         rules=lambda k: {"see": _monitoring_school_see, "pupils": _monitoring_school_pupils})


def _monitoring_district_see(roles: Roles) -> Q:
    """The district's table by school and grade band: the district level."""
    if roles.is_superuser:
        return EVERYTHING
    return Q(pk__in=_district_level(roles))


register("monitoring_district", model="associations.District", association_path=None,
         rules=lambda k: {"see": _monitoring_district_see})


def monitoring_view(user: User | None, monitoring: Model, *, counted: int) -> str:
    """How a user reads a class's monitoring they may see: "pupils" (every row), "aggregate"
    (the class's figures only), or a 404 for a district-level reader of a class of fewer than
    MONITORING_MIN_PUPILS counted pupils (its figures are only in its school's total)."""
    if allows(user, "monitoring", monitoring, "pupils"):
        return "pupils"
    if counted < MONITORING_MIN_PUPILS:
        raise Http404
    return "aggregate"


def monitoring_shows_class(*, pupils: bool, counted: int) -> bool:
    """Whether a school's table shows a class's own row: always to its per-pupil readers, to
    the district level only from MONITORING_MIN_PUPILS counted pupils."""
    return pupils or counted >= MONITORING_MIN_PUPILS


def _monitoring_method_see(roles: Roles) -> Q:
    """A method's questionnaire (a reports.Method): methods are no secret and every district's;
    whoever reaches the monitoring reads them all (a class's per-pupil readers: anyone with a
    person record; the district level of any district; the superuser)."""
    if roles.is_superuser or not _is_nothing(_monitoring_pupils(roles)) or _district_level(roles):
        return EVERYTHING
    return NOTHING


register("monitoring_method", model="reports.Method", association_path=None,
         rules=lambda k: {"see": _monitoring_method_see})


# --- files elsewhere: a plan item's and a decision's results ----------------------------------------


def _uploader(roles: Roles) -> Q:
    """The files the user attached (a login with a person; the administrators reach every file)."""
    user_id = roles.person.user_id if roles.person is not None else None
    return Q(uploaded_by_id=user_id) if user_id is not None else NOTHING


def _result_file_rules(parent: str, path: str, write: str) -> Callable[[Kind], dict[str, Rule]]:
    """A result file of a `parent` object (reached by `path`): seen as its parent is; removed by
    those who `write` the parent and by whoever attached it, while they still see it."""

    def rules(kind: Kind) -> dict[str, Rule]:
        parent_kind = KINDS[parent]

        def see(roles: Roles) -> Q:
            return under(path, parent_kind.rule("see")(roles))

        def remove(roles: Roles) -> Q:
            return both(see(roles), either(under(path, parent_kind.rule(write)(roles)), _uploader(roles)))

        return {"see": see, "remove": remove}

    return rules


register("plan_item_file", model="associations.PlanItemFile", association_path="plan_item__plan__association",
         rules=_result_file_rules("plan", "plan_item__plan", "write"))
register("decision_file", model="meetings.DecisionFile",
         association_path="decision__protocol_item__protocol__association",
         rules=_result_file_rules("decision", "decision", "mark"))


# --- the annual analysis (reports.analysis) -------------------------------------------------------

# reports.Analysis.Status
ANALYSIS_DRAFT, ANALYSIS_SUBMITTED, ANALYSIS_RETURNED = "draft", "submitted", "returned"


def _analysis_rules(kind: Kind) -> dict[str, Rule]:
    """The analysis goes to the administration, not to the members: it is read by those who write
    it (the school МО's head; the methodologist, the РМО's head, for the РМО), who review it (the
    school's deputy director; the district official for the РМО) and who oversee the association
    (the district methodologist, the school's deputy). It is written while a draft or returned,
    and reviewed while submitted."""

    def see(roles: Roles) -> Q:
        return both(
            kind.association_rule("see")(roles),
            either(
                kind.association_rule("write")(roles),
                kind.association_rule("review")(roles),
                kind.association_rule("oversee")(roles),
            ),
        )

    return {
        "see": see,
        "write": lambda roles: both(
            Q(status__in=(ANALYSIS_DRAFT, ANALYSIS_RETURNED)), kind.association_rule("write")(roles)
        ),
        "review": lambda roles: both(Q(status=ANALYSIS_SUBMITTED), kind.association_rule("review")(roles)),
    }


register("analysis", model="reports.Analysis", association_path="association", rules=_analysis_rules)


register("analysis_board", model="associations.District", association_path=None,
         rules=lambda k: {"see": district_level_rule, "act": district_office_rule})


register("district_summary", model="associations.District", association_path=None,
         rules=lambda k: {"see": district_level_rule})


register("dashboard", model="associations.District", association_path=None,
         rules=lambda k: {"see": district_office_rule})


def _checklist_rules(kind: Kind) -> dict[str, Rule]:
    """The documentation checklist of an association (asked of the association itself): §6 of the
    regulation is the МО's own documentation, which its head keeps (§5.2) and the administration
    checks. It is read by those who keep it (the head, the secretary who keeps the protocols, the
    methodologist for the РМО), who review it (the school's deputy; the district official for the
    РМО) and who oversee the association (the district methodologist, the school's deputy), and the
    administrators; not by its class teachers (404, as for the analysis). Its documents are uploaded
    and removed by those who write the association's documents (its head; the methodologist for the
    РМО; the administrators): the deputy and the methodologist check, they do not keep."""

    def see(roles: Roles) -> Q:
        return both(
            kind.association_rule("see")(roles),
            either(
                kind.association_rule("record")(roles),
                kind.association_rule("review")(roles),
                kind.association_rule("oversee")(roles),
            ),
        )

    return {"see": see, "upload": lambda roles: both(see(roles), kind.association_rule("write")(roles))}


register("checklist", model="associations.Association", association_path="", rules=_checklist_rules)
register(
    "checklist_document", model="reports.ChecklistDocument", association_path="association",
    rules=lambda k: {
        # a document's file: whoever sees the checklist; removed by whoever uploads to it
        action: (lambda roles, rule=rule: under("association", rule(roles)))
        for action, rule in (("see", KINDS["checklist"].rule("see")), ("remove", KINDS["checklist"].rule("upload")))
    },
)


register("checklist_district", model="associations.District", association_path=None,
         rules=lambda k: {"see": district_level_rule})


# --- asking the rules ------------------------------------------------------------------------------


def rule_for(user: User | None, kind: str, action: str = "see") -> Q:
    """The Q of `kind`'s rule for `action`, for this user."""
    return _kind(kind).rule(action)(roles_for(user))


def _kind(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"unknown kind {name!r} (kinds: {', '.join(KINDS)})") from None


def visible(user: User | None, kind: str, queryset: QuerySet | None = None, *, action: str = "see") -> QuerySet:
    """`queryset` (by default all of the kind's rows) narrowed to what the rule lets the user
    `action` (see, write, ...)."""
    if queryset is None:
        queryset = apps.get_model(_kind(kind).model).objects.all()
    q = rule_for(user, kind, action)
    if _is_everything(q):
        return queryset
    if _is_nothing(q):
        return queryset.none()
    return queryset.filter(q)


def administered(user: User | None, queryset: QuerySet, *, district_path: str) -> QuerySet:
    """What the admin shows of a model with no rules of its own (memberships, appointments, class
    assignments, …): a superuser every row, a staff user the rows of their district (reached
    by `district_path`, "" for the districts themselves), anyone else nothing."""
    roles = roles_for(user)
    if roles.is_superuser:
        return queryset
    if not roles.admin_district_ids:
        return queryset.none()
    lookup = f"{district_path}__in" if district_path else "pk__in"
    return queryset.filter(**{lookup: roles.admin_district_ids})


def administered_users(user: User | None, queryset: QuerySet) -> QuerySet:
    """The logins a staff user administers: those of their district's people, and their own;
    a superuser every login. Never a superuser's or another staff user's: a staff user could
    otherwise reset the password of a login with more rights than their own."""
    roles = roles_for(user)
    if roles.is_superuser:
        return queryset
    own = Q(pk=getattr(user, "pk", None))
    if not roles.admin_district_ids:
        return queryset.filter(own)
    district = Q(person__district_id__in=roles.admin_district_ids, is_superuser=False, is_staff=False)
    return queryset.filter(district | own).distinct()


def allows(user: User | None, kind: str, obj: Model, action: str = "see") -> bool:
    """Whether the rule lets the user `action` this one object: the same Q as `visible`,
    evaluated against the object in memory (no query when its related rows are loaded)."""
    q = rule_for(user, kind, action)
    if _is_everything(q):
        return True
    if _is_nothing(q):
        return False
    return evaluate(q, obj)


def reaches(user: User | None, kind: str, action: str = "see") -> bool:
    """Whether the rule can let the user `action` anything of the kind at all (no query)."""
    return not _is_nothing(rule_for(user, kind, action))


def get_visible_or_404(queryset: QuerySet, pk: int | str) -> Any:
    """One object of a scoped queryset, or 404 — also for malformed or unknown ids."""
    try:
        return queryset.get(pk=int(pk))
    except (TypeError, ValueError, OverflowError, queryset.model.DoesNotExist):
        raise Http404 from None


def object_for_user(user: User | None, kind: str, pk: int | str, *, queryset: QuerySet | None = None) -> Any:
    """The object if the user may see it; 404 otherwise."""
    return get_visible_or_404(visible(user, kind, queryset), pk)


@dataclass(frozen=True)
class Capabilities:
    """What the navigation offers a user, each from a rule (`reaches`)."""

    see_directory: bool  # the people directory
    see_district_plans: bool  # the district's plans table
    see_decisions: bool  # «Поручения»
    control_decisions: bool  # the control page shows associations' decisions, not only the user's own
    use_admin: bool  # the Django admin
    see_records: bool = False  # «Методическая работа»: the records' lists (at least one's own)
    see_record_overviews: bool = False  # the overviews of others' records (attestation, courses)
    see_acknowledgments: bool = False  # who has acknowledged the instruction (of others' appointments)
    enter_district_results: bool = False  # the district stage's results in one table
    see_bank: bool = False  # «Банк мероприятий»: the data bank's cards (meetings.bank)
    see_monitoring: bool = False  # «Мониторинг воспитанности» (reports.monitoring)


def can(user: User | None) -> Capabilities:
    roles = roles_for(user)
    overseer = roles.is_admin or roles.is_methodologist or roles.is_deputy
    return Capabilities(
        see_directory=reaches(user, "person"),
        see_district_plans=reaches(user, "association", "report"),
        see_decisions=reaches(user, "decision"),
        control_decisions=reaches(user, "association", "control"),
        use_admin=roles.is_admin,
        see_records=reaches(user, "contest_entry"),
        see_record_overviews=overseer or bool(roles.head_school_ids),
        see_acknowledgments=overseer,
        enter_district_results=contest_results_district_ids(user) != frozenset(),
        see_bank=reaches(user, "material"),
        see_monitoring=reaches(user, "monitored_class"),
    )


# --- the named questions the pages ask (all on the rules above) ------------------------------------


def schools_visible_to(user: User | None) -> QuerySet[School]:
    return visible(user, "school")


def associations_visible_to(user: User | None) -> QuerySet[Association]:
    """A methodologist: the whole district. A school's people: their school's associations and
    their district's РМО (its schedule is public to the district). Nobody else: nothing."""
    return visible(user, "association")


def people_visible_to(user: User | None) -> QuerySet[Person]:
    """The people directory: a methodologist sees the district, a deputy their school.
    Class teachers and heads have no directory."""
    return visible(user, "person")


def can_see_directory(user: User | None) -> bool:
    return can(user).see_directory


def can_write_association(user: User | None, association: Association) -> bool:
    return allows(user, "association", association, "write")


def association_for_user(
    user: User | None, pk: int | str, *, write: bool = False, queryset: QuerySet[Association] | None = None
) -> Association:
    """The association if the user may see it (404 otherwise); with write=True, a user who may
    see it but not change it gets 403."""
    association = object_for_user(user, "association", pk, queryset=queryset)
    if write and not can_write_association(user, association):
        raise PermissionDenied
    return association


def can_review_plan(user: User | None, association: Association) -> bool:
    """The school's deputy director reviews a school МО's plan; the district's official (head of
    the education department or of the methodical office) the РМО's; nobody the plan of an
    association they head."""
    return allows(user, "association", association, "review")


def plans_visible_to(user: User | None) -> QuerySet[AnnualPlan]:
    """Plans whose association the user may see; drafts and plans under review only to those
    who write, review or oversee them (the district methodologist); everyone else reads the
    approved plan."""
    return visible(user, "plan")


def plan_for_user(user: User | None, pk: int | str, *, queryset: QuerySet[AnnualPlan] | None = None) -> AnnualPlan:
    return object_for_user(user, "plan", pk, queryset=queryset)


def can_record_meeting(user: User | None, association: Association) -> bool:
    """Who schedules meetings, marks attendance and writes protocols: whoever writes the
    association's documents, and its current secretary."""
    return allows(user, "association", association, "record")


def protocol_items_for_extract(user: User | None, queryset: QuerySet | None = None) -> QuerySet:
    """The questions of signed protocols whose extract («Выписка из протокола») the user may have:
    those of the protocols they read (the rule «protocol» «see», asked through the question's
    protocol), and those with a decision of theirs (the rule «decision» «own»: the person
    responsible, whether or not they read the protocol). A draft's question has no extract.
    A queryset question only: a question's decisions are many, which the in-memory evaluator
    does not follow."""
    if queryset is None:
        queryset = apps.get_model("meetings.ProtocolItem").objects.all()
    reads = under("protocol", rule_for(user, "protocol"))
    own = NOTHING
    if reaches(user, "decision", "own"):
        own = Q(pk__in=visible(user, "decision", action="own").values("protocol_item_id"))
    q = both(Q(protocol__status=PROTOCOL_SIGNED), either(reads, own))
    return queryset.none() if _is_nothing(q) else queryset.filter(q)


def can_check_protocol_checksum(user: User | None, protocol: Model) -> bool:
    """Who is shown a signed protocol's SHA-256 («Проверка подлинности» on its page): those who
    keep the protocol (its association's «record»: the head, the secretary, the methodologist for
    the РМО, admins) and those who oversee the association (its «oversee»: the school's deputy
    director, the district's methodologist). A teacher who reads the signed protocol is not: the
    checksum is for whoever compares a copy with the stored original."""
    association = protocol.association
    return allows(user, "association", association, "record") or allows(user, "association", association, "oversee")


def association_for_people_search(user: User | None, pk: int | str, *, pool: bool = False) -> Association:
    """The association whose people the user searches in a picker (rmo_portal.pickers): one
    whose records they keep (its plan, meetings and protocols: `record`), or, for the people
    to add to its membership (`pool`), one they write. 404 to whoever may not see it, 403 to
    whoever sees it but keeps none of its records."""
    association = object_for_user(user, "association", pk)
    if not allows(user, "association", association, "write" if pool else "record"):
        raise PermissionDenied
    return association


# The home page lists the user's own tasks: those of the associations they head or keep the
# protocols of, the school they are deputy director of, the РМО the methodologist heads; not every
# association an administrator reaches as one (the admin is not everyone's secretary there).
def _by_role(roles: Roles) -> Roles:
    """The roles without the administrator's reach."""
    return Roles(**{**roles.__dict__, "is_superuser": False, "admin_district_ids": frozenset()})


def visible_by_role(user: User | None, kind: str, queryset: QuerySet | None = None, *, action: str = "see") -> QuerySet:
    """`visible`, by the user's own roles only: an administrator's reach as one left out."""
    if queryset is None:
        queryset = apps.get_model(_kind(kind).model).objects.all()
    q = _kind(kind).rule(action)(_by_role(roles_for(user)))
    if _is_everything(q):
        return queryset
    if _is_nothing(q):
        return queryset.none()
    return queryset.filter(q)


def reaches_by_role(user: User | None, kind: str, action: str = "see") -> bool:
    """Whether `visible_by_role` can match anything (no query)."""
    return not _is_nothing(_kind(kind).rule(action)(_by_role(roles_for(user))))


def decisions_overseen(user: User | None, queryset: QuerySet) -> QuerySet:
    """The decisions of signed protocols of the associations the user oversees by their role (the
    school's deputy director: the school's МО; the district methodologist: the district): the
    deputy's «решения на контроле» on the home page. Nothing they may not read already: a signed
    protocol, its decisions included, is read by everyone who sees its association."""
    roles = _by_role(roles_for(user))
    q = both(
        Q(protocol_item__protocol__status=PROTOCOL_SIGNED),
        under("protocol_item__protocol__association", _overseers(roles)),
        under("protocol_item__protocol__association", _association_see(roles)),
    )
    return queryset.none() if _is_nothing(q) else queryset.filter(q)
