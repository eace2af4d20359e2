"""Data scope: what a user may see and change. The one place the rule lives.

A user's scope is the union of what their active memberships give:

* platform administrator: everything;
* city or district bureau administrator: the region of their bureau and every region below it;
* organisation administrator or staff: their organisation and every organisation below it;
* worker: their own person record.

Security and audit administrators see no registry data at all (三权分立).

Every selector that lists or fetches scoped data calls :func:`filter_queryset` with the paths
from its model to a region, an organisation and a person; every service that writes calls
:func:`require_write`. Pages, admin and API all go through those selectors and services.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from gongjiang.core.exceptions import PermissionDeniedError
from gongjiang.core.rules import region_prefix
from gongjiang.orgs import roles
from gongjiang.orgs.models import Membership, Organization

Role = Membership.Role


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    region_prefixes: frozenset[str] = frozenset()
    org_paths: frozenset[str] = frozenset()
    person_ids: frozenset[int] = frozenset()
    roles: frozenset[str] = frozenset()
    # The subset of the above the user may also write to.
    write_everything: bool = False
    write_region_prefixes: frozenset[str] = frozenset()
    write_org_paths: frozenset[str] = frozenset()
    organization_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.region_prefixes or self.org_paths or self.person_ids)

    @property
    def can_write(self) -> bool:
        return self.write_everything or bool(self.write_region_prefixes or self.write_org_paths)

    @property
    def can_reveal(self) -> bool:
        return bool(self.roles & roles.REVEAL_ROLES)

    def has_role(self, *wanted: str) -> bool:
        return bool(self.roles & set(wanted))


EMPTY = Scope()


def scope_for(user: Any) -> Scope:
    """Compute (and cache on the user object for the request) the user's scope."""
    if user is None or not getattr(user, "is_authenticated", False):
        return EMPTY
    cached = getattr(user, "_gongjiang_scope", None)
    if cached is not None:
        return cached
    everything = write_everything = False
    regions: set[str] = set()
    write_regions: set[str] = set()
    paths: set[str] = set()
    write_paths: set[str] = set()
    people: set[int] = set()
    role_set: set[str] = set()
    org_ids: set[int] = set()
    memberships = Membership.objects.filter(user=user, is_active=True).select_related(
        "organization", "organization__region"
    )
    for membership in memberships:
        role_set.add(membership.role)
        org = membership.organization
        if org is not None:
            org_ids.add(org.pk)
        if membership.role == Role.PLATFORM_ADMIN:
            everything = write_everything = True
        elif membership.role in roles.REGION_ROLES and org is not None and org.region_id:
            regions.add(region_prefix(org.region_id))
            write_regions.add(region_prefix(org.region_id))
        elif membership.role in (Role.ORG_ADMIN, Role.ORG_STAFF) and org is not None:
            paths.add(org.path)
            if membership.role == Role.ORG_ADMIN:
                write_paths.add(org.path)
        elif membership.role == Role.WORKER:
            person_id = _person_id_for(user)
            if person_id is not None:
                people.add(person_id)
    scope = Scope(
        everything=everything,
        region_prefixes=frozenset(regions),
        org_paths=frozenset(paths),
        person_ids=frozenset(people),
        roles=frozenset(role_set),
        write_everything=write_everything,
        write_region_prefixes=frozenset(write_regions),
        write_org_paths=frozenset(write_paths),
        organization_ids=frozenset(org_ids),
    )
    user._gongjiang_scope = scope
    return scope


def _person_id_for(user: Any) -> int | None:
    # People link to users (people.Person.user); read it without importing the people app.
    person = getattr(user, "person", None)
    return getattr(person, "pk", None)


def _condition(
    *,
    everything: bool,
    prefixes: frozenset[str],
    paths: frozenset[str],
    person_ids: frozenset[int],
    region_fields: tuple[str, ...],
    org_fields: tuple[str, ...],
    person_fields: tuple[str, ...],
) -> Q | None:
    """A Q for the scope, or None for "everything". An empty scope gives a Q matching nothing."""
    if everything:
        return None
    condition = Q(pk__in=[])
    for prefix in prefixes:
        for path in region_fields:
            condition |= Q(**{f"{path}__startswith": prefix})
    for org_path in paths:
        for path in org_fields:
            key = f"{path}__path__startswith" if path else "path__startswith"
            condition |= Q(**{key: org_path})
    if person_ids:
        for path in person_fields:
            condition |= Q(**{f"{path}__in": list(person_ids)})
    return condition


def filter_queryset(
    queryset: QuerySet[Any],
    user: Any,
    *,
    region_fields: tuple[str, ...] = (),
    org_fields: tuple[str, ...] = (),
    person_fields: tuple[str, ...] = (),
    write: bool = False,
) -> QuerySet[Any]:
    """Restrict ``queryset`` to what ``user`` may see (or, with ``write``, change).

    ``region_fields`` lead to a region code (e.g. ``"region__code"``, ``"employer__region__code"``),
    ``org_fields`` to an Organization (``"employer"``; ``""`` for the organisation itself), ``person_fields`` to a person id
    (``"pk"``, ``"holder_id"``). A path the model lacks is simply not passed: an object outside
    every given path is outside the scope.
    """
    scope = scope_for(user)
    if write:
        condition = _condition(
            everything=scope.write_everything,
            prefixes=scope.write_region_prefixes,
            paths=scope.write_org_paths,
            person_ids=frozenset(),
            region_fields=region_fields,
            org_fields=org_fields,
            person_fields=person_fields,
        )
    else:
        condition = _condition(
            everything=scope.everything,
            prefixes=scope.region_prefixes,
            paths=scope.org_paths,
            person_ids=scope.person_ids,
            region_fields=region_fields,
            org_fields=org_fields,
            person_fields=person_fields,
        )
    if condition is None:
        return queryset
    # Select by primary key rather than DISTINCT: a path through a multi-valued relation could
    # repeat rows, and DISTINCT would drag the model's ordering into GROUP BY and split every
    # group of a values().annotate() aggregate.
    matching = queryset.model._default_manager.filter(condition).values("pk")
    return queryset.filter(pk__in=matching)


def organization_queryset(user: Any, *, write: bool = False) -> QuerySet[Organization]:
    """Organisations in scope: by region for bureaus, by tree for organisation roles.

    A worker sees the organisations they work for (their employers), read-only.
    """
    queryset = Organization.objects.all()
    scoped = filter_queryset(
        queryset, user, region_fields=("region__code",), org_fields=("",), write=write
    )
    scope = scope_for(user)
    if write or not scope.person_ids or scope.everything:
        return scoped
    employer_ids = queryset.filter(employments__person_id__in=list(scope.person_ids)).values("pk")
    return queryset.filter(Q(pk__in=scoped.values("pk")) | Q(pk__in=employer_ids))


def require_write(user: Any, allowed: bool) -> None:
    """Raise PermissionDeniedError unless ``allowed`` (a scope check the caller has made)."""
    if not allowed:
        raise PermissionDeniedError()


def require_role(user: Any, *wanted: str) -> Scope:
    scope = scope_for(user)
    if not scope.has_role(*wanted):
        raise PermissionDeniedError()
    return scope
