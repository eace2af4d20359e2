"""The importable entities. Importing this package registers the built-in ones."""

from gongjiang.imports.entities import people  # noqa: F401
