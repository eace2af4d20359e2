"""What each role may do. Pure data, read by orgs.scope; no database access here."""

from __future__ import annotations

from gongjiang.orgs.models import Membership

Role = Membership.Role

# 三权分立 (等保 2.0 安全管理中心): nobody may hold two of these.
SEPARATED_ADMIN_ROLES = frozenset({Role.PLATFORM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})

# Roles whose membership must name an organisation.
ORGANIZATION_ROLES = frozenset(
    {Role.CITY_ADMIN, Role.DISTRICT_ADMIN, Role.ORG_ADMIN, Role.ORG_STAFF}
)
# Roles that see a region of the bureau's organisation, not the organisation tree.
REGION_ROLES = frozenset({Role.CITY_ADMIN, Role.DISTRICT_ADMIN})
# Roles that may change registry data inside their scope.
WRITE_ROLES = frozenset({Role.PLATFORM_ADMIN, Role.CITY_ADMIN, Role.DISTRICT_ADMIN, Role.ORG_ADMIN})
# Roles that may see full ID numbers (each reveal is logged).
REVEAL_ROLES = frozenset({Role.PLATFORM_ADMIN, Role.CITY_ADMIN, Role.DISTRICT_ADMIN, Role.ORG_ADMIN})
# Roles that may browse the audit log.
AUDIT_READ_ROLES = frozenset({Role.AUDIT_ADMIN})
# Roles that manage accounts, roles and lockouts.
ACCOUNT_ADMIN_ROLES = frozenset({Role.SECURITY_ADMIN})
