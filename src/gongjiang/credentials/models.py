from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongjiang.core.models import BaseModel


class SigningKey(BaseModel):
    """A key that signs credentials. Exactly one is active; retired keys stay published in the
    JWKS so that credentials signed with them keep verifying (rotation never invalidates).

    The private half is stored encrypted with the field-encryption keys (core.crypto); the
    public half is the raw 32-byte Ed25519 key, base64url without padding (the JWK ``x``).
    """

    class Algorithm(models.TextChoices):
        EDDSA = "EdDSA", "EdDSA (Ed25519)"

    kid = models.CharField(_("密钥编号"), max_length=64, unique=True)
    algorithm = models.CharField(_("算法"), max_length=20, choices=Algorithm.choices, default=Algorithm.EDDSA)
    public_key = models.CharField(_("公钥"), max_length=100)
    private_key_encrypted = models.TextField(_("私钥（密文）"), editable=False)
    is_active = models.BooleanField(_("当前签名密钥"), default=True)
    retired_at = models.DateTimeField(_("停用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("签名密钥")
        verbose_name_plural = _("签名密钥")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=models.Q(is_active=True), name="credentials_one_active_signing_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kid} ({self.algorithm})"


class Credential(BaseModel):
    """The public, verifiable record of a document the platform issued.

    Every issued document — a skill-level certificate, a competition award, a training
    completion, a post appointment — gets one. It carries a random verification ``code`` (the
    QR target), the data shown to the public (``fields``, never an ID number), its status, and
    the signed credential (a VC-JWT, Open Badges 3.0 ``AchievementCredential``).
    """

    class Kind(models.TextChoices):
        SKILL_LEVEL = "skill_level", _("职业技能等级证书")
        COMPETITION_AWARD = "competition_award", _("竞赛获奖证书")
        TRAINING_COMPLETION = "training_completion", _("培训结业证书")
        POST_APPOINTMENT = "post_appointment", _("特级技师/首席技师聘书")
        OTHER = "other", _("其他证书")

    class Status(models.TextChoices):
        VALID = "valid", _("有效")
        REVOKED = "revoked", _("已撤销")

    class RevocationCategory(models.TextChoices):
        FRAUD = "fraud", _("弄虚作假/违规取得")
        ERROR = "error", _("信息有误")
        REISSUED = "reissued", _("已补发/换发新证")
        HOLDER_REQUEST = "holder_request", _("本人申请注销")
        OTHER = "other", _("其他原因")

    code = models.CharField(_("核验码"), max_length=32, unique=True)
    kind = models.CharField(_("证书类型"), max_length=30, choices=Kind.choices, db_index=True)
    holder = models.ForeignKey(
        "people.Person", verbose_name=_("持证人"), on_delete=models.PROTECT, related_name="credentials"
    )
    # The name as printed on the document; verification compares against it.
    holder_name = models.CharField(_("持证人姓名"), max_length=60)
    title = models.CharField(_("证书名称"), max_length=200)
    number = models.CharField(_("证书编号"), max_length=40, blank=True, db_index=True)
    fields = models.JSONField(_("证书内容"), default=dict, blank=True)
    certificate = models.OneToOneField(
        "people.Certificate", verbose_name=_("登记证书"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="credential",
    )
    issuer = models.ForeignKey(
        "orgs.Organization", verbose_name=_("发证机构"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="credentials",
    )
    issuer_name = models.CharField(_("发证机构名称"), max_length=200)
    issued_on = models.DateField(_("发证日期"))
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.VALID)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revocation_category = models.CharField(
        _("撤销原因类别"), max_length=20, choices=RevocationCategory.choices, blank=True
    )
    revocation_reason = models.CharField(_("撤销原因（内部）"), max_length=300, blank=True)
    replaces = models.ForeignKey(
        "self", verbose_name=_("补发自"), null=True, blank=True, on_delete=models.PROTECT, related_name="reissues"
    )
    source_ref = models.CharField(_("来源记录"), max_length=100, blank=True, db_index=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("签发人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    signing_key = models.ForeignKey(
        SigningKey, verbose_name=_("签名密钥"), on_delete=models.PROTECT, related_name="credentials"
    )
    jwt = models.TextField(_("签名凭证（VC-JWT）"))

    class Meta:
        verbose_name = _("可核验证书")
        verbose_name_plural = _("可核验证书")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="revoked") | models.Q(revoked_at__isnull=False),
                name="credentials_revoked_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.number or self.code}"

    @property
    def is_valid(self) -> bool:
        return self.status == self.Status.VALID
