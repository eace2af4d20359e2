"""Credentials: verifiable records of every document the platform issues, and public verification.

Public interface for other apps (evaluation, competitions, training, ...)
--------------------------------------------------------------------------
Write (``gongjiang.credentials.services``), each one transaction, audited:

* ``credential_issue(*, actor, kind, holder, title, fields=None, certificate=None, source_ref="",
  number="", issuer=None, issuer_name="", issued_on=None, valid_until=None) -> Credential``
  — call it from inside your own service after you have checked the actor may issue the
  document. ``kind`` is ``Credential.Kind``: ``skill_level``, ``competition_award``,
  ``training_completion``, ``post_appointment``, ``other``. ``holder`` is a people.Person.
  ``certificate`` is the people.Certificate you recorded (``people.services.certificate_record``)
  when the document gives a level or qualification; number, issuer and dates then default to
  it. ``fields`` holds the rest of what the document says as short texts under stable keys
  (``occupation``, ``occupation_code``, ``work_type``, ``level`` (int), ``level_name``
  ("四级/中级工"), ``competition``, ``competition_level``, ``event``, ``award``, ``rank``,
  ``team``, ``program``, ``hours``, ``period``, ``result``, ``post``, ``term``, ``grounds``,
  ``body`` (the sentence printed as 证书正文)); labels are in ``credentials.pdf.FIELD_LABELS``.
  It must never contain an ID number (refused). ``source_ref`` is your record, e.g.
  ``"competitions.entry:42"``; find credentials again with
  ``selectors.credentials_for_source(source_ref)``.
* ``credential_revoke(*, actor, credential, reason, category="other")`` — revokes it and the
  registry certificate behind it (the holder's level follows). ``category`` is public
  (``Credential.RevocationCategory``), ``reason`` is internal (audit).
* ``credential_reissue(*, actor, original, reason, certificate=None, number="", fields=None)``
  — 补发: a new credential linked to the original, which verifies as "revoked: re-issued".
* ``credential_pdf(*, actor, credential) -> bytes`` — the printable A4 PDF (Chinese, embedded
  font, QR code; carries the ID number, so it is scoped and logged).

Read (``gongjiang.credentials.selectors``): ``verify_by_code(code)``,
``verify_by_number(number, name)`` (the public answers), ``credential_check_token(jwt)``,
``credential_list(user=..)``, ``credential_get_for_user(user=.., pk=..)``.

What a credential is
--------------------
``Credential``: a random 20-character verification code (base32 without look-alikes, 100
bits: the QR target ``/verify/<code>/``), the public data, status (valid/revoked, with date and
category), a link to the credential it replaces, and a signed W3C Verifiable Credential — an
Open Badges 3.0 ``AchievementCredential`` as a compact JWS (VC-JWT) signed with Ed25519
(``alg: EdDSA``, ``kid`` in the header). The holder appears in it only as a masked name and a
salted hash of the name (OB 3.0 ``IdentityObject``). Public keys are published at
``/.well-known/jwks.json``; rotating the key (``gongjiang rotate_signing_key``) keeps old keys
published, so earlier credentials keep verifying. The signer sits behind
``signing.Signer`` so a certified 密码机/KMS (or SM2) can replace the software key.

Public verification (no login)
------------------------------
``/verify/`` (number + name, or the code), ``/verify/<code>/`` (QR), JSON at
``GET /api/v1/verify/?number=..&name=..`` and ``GET /api/v1/verify/<code>/`` (with the JWT).
Answers: ``valid`` / ``revoked`` / ``expired`` / ``not_found``; a wrong name and an unknown
number give the same ``not_found``. The holder's name is masked (张**), an ID number is never
shown. Responses carry ``Cache-Control: no-store``. Requests are rate-limited per client
address (``VERIFY_RATE_LIMIT`` per ``VERIFY_RATE_WINDOW`` seconds, default 30/60 s) with a
counter in the Django cache: production needs ``REDIS_URL`` so all processes share it.
``gongjiang verify_credential FILE`` checks a credential file offline.
"""
