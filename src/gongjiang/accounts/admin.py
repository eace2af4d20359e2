"""No admin pages for second factors: django-otp's TOTP admin would create devices whose secret
is stored in clear (see accounts.models). Users enrol on their security page; the security
administrator resets a lost factor from the account page (``user_reset_2fa``)."""

import contextlib

from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django_otp.plugins.otp_totp.models import TOTPDevice as ClearTOTPDevice

with contextlib.suppress(NotRegistered):
    admin.site.unregister(ClearTOTPDevice)
