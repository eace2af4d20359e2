"""The shared form-field markup (web/includes/form_fields.html) for the kinds of choice."""

from __future__ import annotations

from django import forms
from django.template.loader import render_to_string


class Choices(forms.Form):
    agree = forms.BooleanField(label="同意", required=False)
    kinds = forms.MultipleChoiceField(label="类别", choices=[("a", "甲"), ("b", "乙")],
                                      widget=forms.CheckboxSelectMultiple, required=False)
    mode = forms.ChoiceField(label="方式", choices=[("x", "全部"), ("y", "部分")], widget=forms.RadioSelect)


def _field(html: str, name: str) -> str:
    start = html.index(f'data-field="{name}"')
    return html[html.rindex("<div", 0, start):html.index('<div class="field', start + 1) if name != "mode" else None]


def test_a_single_checkbox_stands_before_its_words_and_a_group_keeps_its_heading_first():
    html = render_to_string("web/includes/form_fields.html", {"form": Choices()})
    agree = _field(html, "agree")
    assert 'class="field checkbox"' in agree and agree.index('type="checkbox"') < agree.index(">同意</label>")
    kinds = _field(html, "kinds")
    assert 'class="field wide choices"' in kinds and "checkbox\"" not in kinds.split(">")[0]
    assert kinds.index(">类别") < kinds.index('value="a"') < kinds.index('value="b"')
    mode = _field(html, "mode")
    assert mode.index(">方式") < mode.index('type="radio"')
