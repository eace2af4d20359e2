"""Checks an uploaded file passes before anything parses it (ASVS 5.2.1–5.2.3).

* size: at most ``IMPORT_MAX_UPLOAD_BYTES`` (uploads; the command line checks it too unless
  told otherwise);
* type by content, not by name: .xlsx must be a zip (``PK\\x03\\x04``), .xls an OLE2 compound
  file, .csv text without NUL bytes; a name that disagrees with the content is refused;
* macros: .xlsm/.xltm/.xlsb names, a ``vbaProject.bin`` or macro sheets inside a zip, a
  "macroEnabled" content type, or a VBA storage inside an .xls are refused;
* zip bombs: read from the zip's central directory *before* inflating anything — the number of
  entries, the sum of uncompressed sizes and each entry's compression ratio are limited;
  encrypted zip entries are refused.

Each refusal is an :class:`UnusableFileError` with a code and a Chinese message that says what
was wrong and what to do.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _

XLSX = "xlsx"
XLS = "xls"
CSV = "csv"

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

ALLOWED_SUFFIXES = {".xlsx": XLSX, ".xls": XLS, ".csv": CSV, ".txt": CSV}
MACRO_SUFFIXES = {".xlsm", ".xltm", ".xlsb", ".xlam", ".xla", ".xlt"}

ERR_EMPTY = _("文件是空的，请选择填好数据的文件。")
ERR_TOO_LARGE = _("文件过大：{size} MB，上限 {limit} MB。请拆分成几个文件分别导入。")
ERR_SUFFIX = _("不支持的文件类型“{suffix}”。请上传 .xlsx、.xls 或 .csv 文件（可先下载导入模板）。")
ERR_MACRO_SUFFIX = _("不接受含宏的文件（{suffix}）。请在 Excel 中“另存为”普通的 .xlsx 工作簿后再上传。")
ERR_MACRO_CONTENT = _("文件中含有宏（VBA 代码或宏表），出于安全原因不予导入。请另存为不含宏的 .xlsx 后再上传。")
ERR_NOT_XLSX = _("文件扩展名是 .xlsx，但内容不是 Excel 工作簿（可能已损坏、已加密或只是改了扩展名）。请在 Excel 中打开后另存为 .xlsx。")
ERR_NOT_XLS = _("文件扩展名是 .xls，但内容不是 Excel 97-2003 工作簿（可能是网页或文本文件改了扩展名）。请在 Excel 中打开后另存为 .xlsx。")
ERR_NOT_TEXT = _("文件扩展名是 .csv，但内容不是文本（可能是 Excel 文件改了扩展名）。请上传原始的 .xlsx 文件。")
ERR_ENCRYPTED = _("文件已设置打开密码或已加密，无法读取。请取消密码后另存再上传。")
ERR_ZIP_CORRUPT = _("工作簿已损坏，无法读取其目录。请在 Excel 中打开后重新保存。")
ERR_ZIP_ENTRIES = _("工作簿包含的内部文件过多（{count} 个，上限 {limit} 个），疑似异常文件，不予导入。")
ERR_ZIP_EXPANDED = _("工作簿解压后过大（{size} MB，上限 {limit} MB），疑似“压缩炸弹”，不予导入。请拆分后再导入。")
ERR_ZIP_RATIO = _("工作簿中“{name}”的压缩比异常（{ratio} 倍，上限 {limit} 倍），疑似“压缩炸弹”，不予导入。")

MAX_ZIP_ENTRIES = 10_000
# A well-formed sheet compresses 5–30×; a deliberately repetitive one reaches ~100×; DEFLATE's
# ceiling is ~1,030×, where single-layer bombs sit.
MAX_COMPRESSION_RATIO = 200
RATIO_CHECK_MIN_BYTES = 1 << 20


class UnusableFileError(Exception):
    """The file cannot be imported at all (CLI exit code 2)."""

    def __init__(self, message: object, code: str) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code


@dataclass(frozen=True)
class CheckedFile:
    path: Path
    kind: str
    size: int
    uncompressed_size: int  # the zip's expanded size for xlsx, else the file size


def max_upload_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))


def max_uncompressed_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_UNCOMPRESSED_BYTES", 1024 * 1024 * 1024))


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}"


def check_size(size: int, *, limit: int | None = None) -> None:
    limit = max_upload_bytes() if limit is None else limit
    if size == 0:
        raise UnusableFileError(ERR_EMPTY, "empty")
    if size > limit:
        raise UnusableFileError(str(ERR_TOO_LARGE).format(size=_mb(size), limit=_mb(limit)), "too_large")


def kind_for_name(filename: str) -> str:
    suffix = Path(filename).suffix.lower()
    if suffix in MACRO_SUFFIXES:
        raise UnusableFileError(str(ERR_MACRO_SUFFIX).format(suffix=suffix), "macro")
    if suffix not in ALLOWED_SUFFIXES:
        raise UnusableFileError(str(ERR_SUFFIX).format(suffix=suffix or _("无扩展名")), "suffix")
    return ALLOWED_SUFFIXES[suffix]


def check_zip(path: Path) -> int:
    """Inspect an .xlsx from its central directory only; return the total expanded size."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UnusableFileError(ERR_ZIP_CORRUPT, "zip_corrupt") from None
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ZIP_ENTRIES:
            raise UnusableFileError(
                str(ERR_ZIP_ENTRIES).format(count=len(entries), limit=MAX_ZIP_ENTRIES), "zip_entries"
            )
        total = 0
        limit = max_uncompressed_bytes()
        names = set()
        for entry in entries:
            name = entry.filename.lower()
            names.add(name)
            if entry.flag_bits & 0x1:
                raise UnusableFileError(ERR_ENCRYPTED, "encrypted")
            if name.endswith("vbaproject.bin") or name.startswith(("xl/macrosheets/", "xl/dialogsheets/")):
                raise UnusableFileError(ERR_MACRO_CONTENT, "macro")
            total += entry.file_size
            if total > limit:
                raise UnusableFileError(
                    str(ERR_ZIP_EXPANDED).format(size=_mb(total), limit=_mb(limit)), "zip_bomb"
                )
            if entry.file_size >= RATIO_CHECK_MIN_BYTES:
                ratio = entry.file_size / max(entry.compress_size, 1)
                if ratio > MAX_COMPRESSION_RATIO:
                    raise UnusableFileError(
                        str(ERR_ZIP_RATIO).format(
                            name=entry.filename[:60], ratio=int(ratio), limit=MAX_COMPRESSION_RATIO
                        ),
                        "zip_bomb",
                    )
        if "[content_types].xml" not in names or not any(n.startswith("xl/") for n in names):
            raise UnusableFileError(ERR_NOT_XLSX, "not_xlsx")
        content_types = archive.getinfo("[Content_Types].xml")
        if content_types.file_size > 1 << 20:
            raise UnusableFileError(ERR_NOT_XLSX, "not_xlsx")
        with archive.open(content_types) as handle:
            if b"macroenabled" in handle.read().lower():
                raise UnusableFileError(ERR_MACRO_CONTENT, "macro")
    return total


_VBA_MARKERS = ("_VBA_PROJECT_CUR".encode("utf-16-le"), "_VBA_PROJECT".encode("utf-16-le"))
_ENCRYPTED_OLE_MARKERS = ("EncryptedPackage".encode("utf-16-le"),)


def check_ole(path: Path) -> None:
    """An .xls: refuse VBA storages and encrypted OOXML packages (which are OLE2 files too)."""
    data = path.read_bytes()
    if any(marker in data for marker in _ENCRYPTED_OLE_MARKERS):
        raise UnusableFileError(ERR_ENCRYPTED, "encrypted")
    if any(marker in data for marker in _VBA_MARKERS):
        raise UnusableFileError(ERR_MACRO_CONTENT, "macro")


def check_file(path: Path, *, filename: str | None = None, limit_size: bool = True) -> CheckedFile:
    """Run every check for a file on disk and return its kind.

    ``limit_size=False`` (an operator's local file on the command line) skips only the upload
    size cap; the zip-bomb and macro checks always run.
    """
    path = Path(path)
    name = filename or path.name
    kind = kind_for_name(name)
    size = path.stat().st_size
    check_size(size, limit=None if limit_size else 1 << 62)
    with path.open("rb") as handle:
        head = handle.read(8192)
    expanded = size
    if kind == XLSX:
        if head.startswith(OLE2_MAGIC):
            # Password-protected .xlsx files are OLE2 containers holding an encrypted package.
            check_ole(path)
            raise UnusableFileError(ERR_NOT_XLSX, "not_xlsx")
        if not head.startswith(ZIP_MAGIC):
            raise UnusableFileError(ERR_NOT_XLSX, "not_xlsx")
        expanded = check_zip(path)
    elif kind == XLS:
        if head.startswith(ZIP_MAGIC):
            raise UnusableFileError(ERR_NOT_XLS, "not_xls")
        if not head.startswith(OLE2_MAGIC):
            raise UnusableFileError(ERR_NOT_XLS, "not_xls")
        check_ole(path)
    else:
        if head.startswith((ZIP_MAGIC, OLE2_MAGIC)) or (b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff"))):
            raise UnusableFileError(ERR_NOT_TEXT, "not_text")
    return CheckedFile(path=path, kind=kind, size=size, uncompressed_size=expanded)
