from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gongjiang.imports.models import ImportJob


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("文件"), help_text=_("Excel（.xlsx、.xls）或 CSV（UTF-8 或 GBK/GB18030），不超过 {size} MB。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv"}),
    )
    mode = forms.ChoiceField(
        label=_("导入方式"), choices=ImportJob.Mode.choices, initial=ImportJob.Mode.ATOMIC, widget=forms.RadioSelect,
        help_text=_("校验完成后会先给您看结果，确认后才写入。"),
    )

    def __init__(self, *args: object, max_mb: int = 20, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["file"].help_text = str(self.fields["file"].help_text).format(size=max_mb)
