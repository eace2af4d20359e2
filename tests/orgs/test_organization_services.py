import pytest

from gongjiang.core.exceptions import ApplicationError, PermissionDeniedError
from gongjiang.core.models import AuditEntry
from gongjiang.orgs import services
from gongjiang.orgs.models import Membership, Organization
from tests import factories


def test_creates_with_normalised_credit_code_and_audit(city, personas):
    code = factories.make_credit_code()
    org = services.organization_create(actor=personas.dan, name=" 越城精工 ", kind="enterprise",
                                       credit_code=code.lower(), region=city.yuecheng)
    assert org.name == "越城精工" and org.credit_code == code
    assert org.path == f"/{org.pk}/"
    assert AuditEntry.objects.filter(action="orgs.organization.created", object_id=str(org.pk)).exists()


def test_refuses_bad_and_duplicate_credit_codes(city, personas):
    before = Organization.objects.count()
    with pytest.raises(ApplicationError) as err:
        services.organization_create(actor=personas.city, name="甲", kind="enterprise",
                                     credit_code="91110000600037341M", region=city.yuecheng)
    assert err.value.errors["credit_code"][0].startswith("统一社会信用代码校验位")
    with pytest.raises(ApplicationError) as err:
        services.organization_create(actor=personas.city, name="乙", kind="enterprise",
                                     credit_code=city.keqiao_textile.credit_code, region=city.yuecheng)
    assert "柯桥纺织有限公司" in err.value.errors["credit_code"][0]
    assert Organization.objects.count() == before


def test_enterprise_needs_credit_code_foreign_partner_needs_country(city):
    with pytest.raises(ApplicationError) as err:
        services.organization_create(actor=None, name="无码企业", kind="enterprise")
    assert "credit_code" in err.value.errors
    with pytest.raises(ApplicationError) as err:
        services.organization_create(actor=None, name="Foreign GmbH", kind="foreign_partner", country="CN")
    assert "country" in err.value.errors
    org = services.organization_create(actor=None, name="Handwerkskammer", kind="foreign_partner", country="de",
                                       foreign_registration="HRB 1234")
    assert org.country == "DE"


def test_district_admin_cannot_create_in_another_district(city, personas):
    with pytest.raises(PermissionDeniedError):
        services.organization_create(actor=personas.dan, name="柯桥新厂", kind="enterprise",
                                     credit_code=factories.make_credit_code(), region=city.keqiao)
    assert not Organization.objects.filter(name="柯桥新厂").exists()


def test_refuses_parent_cycle(city):
    with pytest.raises(ApplicationError) as err:
        services.organization_update(actor=None, organization=city.yuecheng_machinery, parent=city.machinery_branch)
    assert "parent" in err.value.errors


def test_three_admin_roles_are_mutually_exclusive(personas):
    with pytest.raises(ApplicationError) as err:
        services.membership_grant(actor=None, user=personas.sam, role=Membership.Role.AUDIT_ADMIN)
    assert "role" in err.value.errors
    assert not Membership.objects.filter(user=personas.sam, role=Membership.Role.AUDIT_ADMIN).exists()


def test_only_security_or_platform_admin_grants_roles(city, personas):
    target = factories.user("newbie")
    with pytest.raises(PermissionDeniedError):
        services.membership_grant(actor=personas.city, user=target, role=Membership.Role.ORG_STAFF,
                                  organization=city.yuecheng_machinery)
    services.membership_grant(actor=personas.sam, user=target, role=Membership.Role.ORG_STAFF,
                              organization=city.yuecheng_machinery)
    assert Membership.objects.filter(user=target, role=Membership.Role.ORG_STAFF).exists()
    assert AuditEntry.objects.filter(action="orgs.membership.granted", actor=personas.sam).exists()


def test_region_roles_need_a_government_org_with_region(city):
    target = factories.user("x1")
    with pytest.raises(ApplicationError):
        services.membership_grant(actor=None, user=target, role=Membership.Role.DISTRICT_ADMIN,
                                  organization=city.yuecheng_machinery)
