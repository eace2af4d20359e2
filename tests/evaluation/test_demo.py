"""The demo hook builds bodies, batches in every state and verifiable certificates."""

from __future__ import annotations

import importlib

import pytest

from gongjiang.credentials.models import Credential
from gongjiang.credentials.selectors import verify_by_number
from gongjiang.evaluation.models import Application, EvaluationBatch


@pytest.mark.django_db
def test_demo_hook(monkeypatch):
    from gongjiang.web.demo import builder

    def only_evaluation(context):
        context.rng = context.derived_rng("evaluation")
        importlib.import_module("gongjiang.evaluation.demo").build(context)
        return ["gongjiang.evaluation.demo"]

    monkeypatch.setattr(builder, "run_extensions", only_evaluation)
    lines: list[str] = []
    builder.build_city(people=400, seed=3, log=lines.append)
    states = set(EvaluationBatch.objects.values_list("status", flat=True))
    assert {"draft", "open", "closed", "examining", "scoring", "publicity", "certified", "cancelled"} <= states
    assert Credential.objects.filter(revocation_category="fraud").exists()
    assert Credential.objects.filter(replaces__isnull=False).exists()
    sample = next(line for line in lines if line.startswith("证书核验示例"))
    number = sample.split("证书编号 ")[1].split("，")[0]
    name = sample.split("持证人 ")[1].split("（")[0]
    assert verify_by_number(number, name)["result"] == "valid"
    assert Application.objects.filter(status="refused").exists()
