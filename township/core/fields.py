"""Model fields for personal data: encrypted at rest (SM4), looked up by a blind index (HMAC-SM3).

``EncryptedCharField`` keeps the Python attribute API of a ``CharField`` (``subject.resident_id`` is the
clear value in code, forms and validation see ``max_length`` of the clear text) while the column holds
``sm4:1:…`` text (see :mod:`township.core.crypto`). Empty values stay empty (``""``/``NULL``), so "has no
phone" is still a query. Any other lookup on the column is refused with a ``FieldError`` naming the blind
index: a lookup against ciphertext would silently find nothing.

``BlindIndexField(source="resident_id")`` is the companion column, recomputed from the source on every
save; models with one inherit :class:`BlindIndexedModel` so ``save(update_fields=[source])`` updates it too.
Query with ``Model.objects.filter(resident_id_index=blind_index(value))``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import Exact, IsNull

from township.core import crypto


class _EmptyOnlyExact(Exact):
    """``field=""`` is allowed (blank values are stored blank); any other value must use the blind index."""

    def get_prep_lookup(self) -> Any:
        if self.rhs not in ("", None):
            raise FieldError(
                f"{self.lhs.output_field.model.__name__}.{self.lhs.output_field.name} is encrypted: "
                "filter on its blind index (township.core.crypto.blind_index) instead"
            )
        return super().get_prep_lookup()


class _EncryptedMixin:
    """Encrypt on the way to the database, decrypt on the way back; refuse lookups on ciphertext."""

    name: str
    model: Any

    def db_type(self, connection: Any) -> str | None:
        return models.TextField().db_type(connection)

    def cast_db_type(self, connection: Any) -> str | None:
        return models.TextField().cast_db_type(connection)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "exact":
            return _EmptyOnlyExact
        if lookup_name == "isnull":
            return IsNull
        raise FieldError(
            f"{self.model.__name__}.{self.name} is encrypted: lookup '{lookup_name}' is not possible; "
            "use its blind index for exact matches"
        )

    def get_transform(self, lookup_name: str) -> Any:
        return None

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if crypto.is_encrypted(value):
            return crypto.decrypt(value)
        return value  # blank, NULL, or a row written before the encrypting migration ran

    def get_db_prep_save(self, value: Any, connection: Any) -> Any:
        value = super().get_db_prep_save(value, connection)  # type: ignore[misc]
        if value in (None, "") or crypto.is_encrypted(value):
            return value
        return crypto.encrypt(str(value))


class EncryptedCharField(_EncryptedMixin, models.CharField):  # type: ignore[type-arg]
    """A ``CharField`` whose column holds SM4 ciphertext (``max_length`` bounds the clear text)."""

    description = "Text encrypted with SM4 (clear in Python)"


class EncryptedTextField(_EncryptedMixin, models.TextField):  # type: ignore[type-arg]
    """A ``TextField`` whose column holds SM4 ciphertext."""

    description = "Long text encrypted with SM4 (clear in Python)"


class BlindIndexField(models.CharField):  # type: ignore[type-arg]
    """HMAC-SM3 of another field's clear value (64 hex digits, NULL when that value is empty)."""

    description = "Keyed SM3 index of an encrypted field"

    def __init__(self, *args: Any, source: str = "", **kwargs: Any) -> None:
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key, default in (("max_length", 64), ("null", True), ("blank", True), ("editable", False)):
            if kwargs.get(key, default) == default:
                kwargs.pop(key, None)
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str | None:
        value = crypto.blind_index(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value


def blind_index_fields(model: type[models.Model]) -> list[BlindIndexField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)]


class BlindIndexedModel(models.Model):
    """Adds each blind index to ``update_fields`` when its source field is saved."""

    class Meta:
        abstract = True

    def save(self, *args: Any, update_fields: Iterable[str] | None = None, **kwargs: Any) -> None:
        if update_fields is not None:
            names = set(update_fields)
            names |= {f.name for f in blind_index_fields(type(self)) if f.source in names}
            update_fields = names
        super().save(*args, update_fields=update_fields, **kwargs)


def encrypt_existing(model_label: str, fields: dict[str, str | None]) -> Any:
    """A ``migrations.RunPython`` that encrypts a table's clear values in place (and its reverse).

    ``fields`` maps each encrypted column to its blind index column (or None). Plain SQL, row by row, so it
    runs the same on SQLite and PostgreSQL and does not depend on the model's current Python code.
    """
    from django.db import migrations

    def _rows(apps: Any, schema_editor: Any) -> tuple[Any, str, Any]:
        model = apps.get_model(model_label)
        connection = schema_editor.connection
        quote = connection.ops.quote_name
        return connection, quote(model._meta.db_table), quote

    def forward(apps: Any, schema_editor: Any) -> None:
        connection, table, quote = _rows(apps, schema_editor)
        columns = list(fields)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id, {', '.join(quote(c) for c in columns)} FROM {table}")  # noqa: S608
            rows = cursor.fetchall()
            for pk, *values in rows:
                sets: dict[str, Any] = {}
                for column, value in zip(columns, values, strict=True):
                    if value in (None, "") or crypto.is_encrypted(value):
                        continue
                    sets[column] = crypto.encrypt(value)
                    if fields[column]:
                        sets[str(fields[column])] = crypto.blind_index(value)
                if sets:
                    assignments = ", ".join(f"{quote(c)} = %s" for c in sets)
                    cursor.execute(f"UPDATE {table} SET {assignments} WHERE id = %s", [*sets.values(), pk])  # noqa: S608

    def backward(apps: Any, schema_editor: Any) -> None:
        connection, table, quote = _rows(apps, schema_editor)
        columns = list(fields)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id, {', '.join(quote(c) for c in columns)} FROM {table}")  # noqa: S608
            for pk, *values in cursor.fetchall():
                sets = {c: crypto.decrypt(v) for c, v in zip(columns, values, strict=True) if crypto.is_encrypted(v)}
                if sets:
                    assignments = ", ".join(f"{quote(c)} = %s" for c in sets)
                    cursor.execute(f"UPDATE {table} SET {assignments} WHERE id = %s", [*sets.values(), pk])  # noqa: S608

    return migrations.RunPython(forward, backward, elidable=False)


class BlindIndexSearchAdminMixin:
    """Admin search that also finds rows by an encrypted value typed in full, through its blind index.

    ``blind_index_search = ["holder__resident_id_index"]``: each path is compared with the blind index of
    the search term (encrypted columns cannot be searched with ``icontains``).
    """

    blind_index_search: tuple[str, ...] = ()

    def get_search_results(self, request: Any, queryset: Any, search_term: str) -> tuple[Any, bool]:
        results, duplicates = super().get_search_results(request, queryset, search_term)  # type: ignore[misc]
        index = crypto.blind_index(search_term)
        if index:
            for path in self.blind_index_search:
                results = results | queryset.filter(**{path: index})
        return results, duplicates
