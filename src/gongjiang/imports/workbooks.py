"""Downloadable import templates: the header row to fill in, and a sheet of rules in Chinese.

The first sheet has one header per column (required ones marked "*", which the header matcher
ignores), the ID-number and code columns pre-formatted as text (so Excel keeps all 18 digits),
and drop-down lists where a column takes fixed values. The second sheet explains every
column: whether it is required, the other names it may have, the rule, an example.
"""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from gongjiang.core.text import enumeration
from gongjiang.imports.entities.base import Entity
from gongjiang.imports.rules import column_letter

TEXT_COLUMNS = {"id_number", "holder_id_number", "credit_code", "employer_credit_code", "number", "mobile",
                "residence_region", "region"}
DROPDOWNS = {
    "sex": ["男", "女"],
    "education": ["初中及以下", "高中", "中专/职高", "技工学校", "高级技工学校/技师学院", "大专/高职", "本科", "硕士研究生", "博士研究生"],
    "id_type": ["居民身份证", "护照", "港澳居民来往内地通行证", "台湾居民来往大陆通行证", "外国人永久居留身份证"],
    "holder_id_type": ["居民身份证", "护照", "港澳居民来往内地通行证", "台湾居民来往大陆通行证", "外国人永久居留身份证"],
}
HEADER_FILL = PatternFill(fill_type="solid", start_color="FFDDEBF7", end_color="FFDDEBF7")
REQUIRED_FONT = Font(bold=True, color="FFC00000")
TEMPLATE_ROWS = 5000


def template_workbook(entity: Entity) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(entity.label)[:31]
    columns = entity.template_columns()
    for index, column in enumerate(columns):
        letter = column_letter(index)
        cell = sheet.cell(row=1, column=index + 1, value=f"{column.label}{'*' if column.required else ''}")
        cell.font = REQUIRED_FONT if column.required else Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        sheet.column_dimensions[letter].width = column.width
        if column.key in TEXT_COLUMNS:
            # A column style: every cell the user types into is text, so no digits are lost.
            sheet.column_dimensions[letter].number_format = "@"
        choices = DROPDOWNS.get(column.key)
        if choices:
            validation = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
            validation.error = _("请从下拉列表中选择。")
            validation.errorTitle = str(column.label)
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
    sheet.freeze_panes = "A2"

    rules = workbook.create_sheet(_("填写说明"))
    rules.append([str(entity.label), str(entity.description)])
    rules.append([])
    header = [_("列名"), _("是否必填"), _("也可写作"), _("填写规则"), _("示例")]
    rules.append(header)
    for cell in rules[3]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for column in columns:
        rules.append([
            str(column.label),
            _("必填") if column.required else _("选填"),
            enumeration(str(alias) for alias in column.aliases if not str(alias).isascii()),
            str(column.help),
            column.example,
        ])
    rules.append([])
    for line in (
        _("· 表头可以不在第一行：上方可以有标题行、说明行（前 10 行内找表头）；列的顺序随意；不认识的列会被忽略并在结果中列出。"),
        _("· 身份证号码等长号码请设为“文本”格式，否则 Excel 会把它变成 3.30602E+17 并丢失后几位，这样的号码无法恢复。"),
        _("· 日期可写 2023-10-12、2023/10/12、2023.10.12、2023年10月12日，或用 Excel 日期格式。全角数字、多余空格会自动处理。"),
        _("· 同一文件再次导入不会重复登记：已登记的记录只更新所填的列，没有变化的行保持不动。"),
        _("· 默认“全部正确才导入”：有任何一行出错则整个文件不导入，并给出标注了错误的原文件。"),
    ):
        rules.append([line])
    rules.column_dimensions["A"].width = 22
    rules.column_dimensions["B"].width = 10
    rules.column_dimensions["C"].width = 36
    rules.column_dimensions["D"].width = 80
    rules.column_dimensions["E"].width = 24
    for row in rules.iter_rows(min_row=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
