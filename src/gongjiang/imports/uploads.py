"""Stop an oversized upload while it arrives, not after it has been written to disk.

Django accepts a file of any size into a temporary file before the view sees it. The import
upload view puts :class:`SizeLimitUploadHandler` first, which stops reading the body as soon
as the file exceeds ``IMPORT_MAX_UPLOAD_BYTES`` (a reverse proxy should cap the body size too,
e.g. nginx ``client_max_body_size``).
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, StopUpload


class SizeLimitUploadHandler(FileUploadHandler):
    def __init__(self, request: Any = None, *, limit: int) -> None:
        """``exceeded`` tells the view why the file is missing from request.FILES."""
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.exceeded = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
