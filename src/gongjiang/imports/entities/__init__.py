"""The importable entities. Importing this package registers the built-in ones.

To add one (applications, scores, enrolments, competition entries …): subclass
:class:`gongjiang.imports.entities.base.Entity`, declare its columns, implement check_row,
resolve, write and rollback, decorate it with ``@register`` and import its module here (or
from the owning app's ``AppConfig.ready``). See docs/imports.md.
"""

from gongjiang.imports.entities import certificates, honors, organizations, people  # noqa: F401
