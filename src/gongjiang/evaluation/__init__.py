"""Skill evaluation (职业技能等级认定): filed bodies, batches, applications, eligibility, scoring,
publicity and the issuance of 职业技能等级证书 (DOMAIN.md §1–§4).

* ``EvaluationBody`` — filed (备案) evaluation body, category Y (employer self-evaluation) or S
  (social organisation), with its codes (the first 13 characters of its certificate numbers),
  filed scope (occupation × 工种 × levels), validity and status; rosters of 考评员, 高级考评员
  and 督导员 (``Evaluator``). Filing is the bureaus' job; rosters the body's.
* ``EvaluationBatch`` — draft → open → closed → examining → scoring → publicity → certified
  (or cancelled); every move checked (``rules.TRANSITIONS`` plus a guard) and audited.
* ``Application`` — by the worker or in bulk by the employer, with supporting facts; decided at
  once by the eligibility engine (``rules.evaluate``) against the batch's ``EligibilityRuleSet``
  (data per occupation standard; the 2018 and the relaxed templates ship as JSON in
  ``data/eligibility`` and are seeded by migration 0002), which explains itself in Chinese.
  Refused applications may be accepted as an exception (破格) with a reason. Employer bodies also
  take direct certification (直接认定, 高级工 and above) and 破格晋升 with grounds.
* Scoring — ``ScoreSheet`` per component (theory, practical, comprehensive review for 二级/一级),
  draft → submitted → locked; practical and review scores entered per evaluator
  (``ScoreEntry``, conflicts of interest refused) and combined (mean by default); locked scores
  change only through ``ScoreCorrection`` with a reason; sampled re-checks flag discrepancies;
  bulk entry from Excel (``excel.py``).
* ``Publicity`` (default 7 days) and ``Objection``; certificates only after it ends with no
  open objection.
* Issuance — national numbers (``SerialCounter`` locked in the issuing transaction: unique and
  gap-free per body, year and level), a people.Certificate (the holder's level follows) and a
  verifiable credential (gongjiang.credentials); revocation and re-issue (补发); 特级技师/首席技师
  appointments (``PostAppointment``); the upward report file (docs/formats/certificate-report.md).

Pages under /evaluation/, the REST API under /api/v1/evaluation/, the demo hook in ``demo.py``.
"""
