"""Statements of the send path, written as querysets and compiled by the ORM once per process.

A profile of one process under the peer bench (docs/benchmarks.md) put ~40 % of the CPU of a
sendMessage in Django's query building: the same four querysets, built, resolved and compiled
to the same SQL for every message. A `Statement` keeps the ORM as the author of that SQL (the
same text on SQLite and PostgreSQL as the queryset would give, the same converters, the same
model instances with their select_related rows and annotations) and does the building once:

- the queryset is built once per database alias from stand-in values, one per parameter
  (`build(**stand_ins)`), and compiled; each stand-in is found again among the compiled
  parameters, so a call only puts its values in their places;
- a call runs that SQL on the calling thread's connection, through Django's cursor (query
  logging and counting, execute wrappers, the debug cursor in tests), converts the rows with
  the compiler's converters and builds instances as Django's ModelIterable does.

A queryset whose SQL depends on its values beyond their places (an `__in` of a varying
length, a None that becomes IS NULL) cannot be one; a name the compiled parameters do not
hold is refused when the statement is first compiled.

The writes of the same path, the same way: an `Update` is `queryset.update(**values)` for the
fields it names (each value put in place as `Value(stand-in)` when compiling, and prepared
by its field for each call, as the update compiler prepares it); an `Insert` is `save()` of a
new instance, its INSERT ... RETURNING compiled once from the model's fields, each call's
values prepared by their fields as the insert compiler does, the signals sent as `save()`
sends them. Both take plain values only (no expressions, no model instances: attnames).
"""

import threading
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connections
from django.db.models import Model, QuerySet, Value, signals, sql
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]

# A stand-in for each parameter: values no real parameter has, found again after compiling.
_STAND_IN_BASE = -7_340_000_000_000


class _Compiled:
    def __init__(self, queryset: QuerySet, names: list[str], stand_ins: dict[str, Any], using: str, query=None) -> None:
        compiler = (queryset.query if query is None else query).get_compiler(using=using)
        sql, params = compiler.as_sql()
        # By text: a field may have prepared its stand-in (an int for a CharField becomes a str).
        by_text = {str(value): name for name, value in stand_ins.items()}
        self.sql = sql
        # For each compiled parameter: the name of the value it takes, or (None, a constant).
        self.slots: list[tuple[str | None, Any]] = [
            (by_text[str(p)], None) if isinstance(p, int | str) and str(p) in by_text else (None, p) for p in params
        ]
        unused = set(names) - {name for name, _ in self.slots if name}
        if unused:
            raise ValueError(f"parameters not found in the compiled statement: {sorted(unused)}")
        self.model: type[Model] | None = None
        if query is not None:
            return  # a write: no rows to convert
        self.fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
        # Which functions convert which column: the backend's and the fields' own, the same for
        # every connection of the alias; each call passes its thread's connection to them.
        self.converters = list(compiler.get_converters(self.fields).items())
        klass_info = compiler.klass_info
        if klass_info is not None and queryset._iterable_class.__name__ == "ModelIterable":
            self.model = klass_info["model"]
            select_fields = klass_info["select_fields"]
            self.start, self.end = select_fields[0], select_fields[-1] + 1
            self.init_list = [f[0].target.attname for f in compiler.select[self.start : self.end]]
            self.populators = get_related_populators(klass_info, compiler.select, using)
            self.annotations = dict(compiler.annotation_col_map or {})

    def params(self, values: dict[str, Any]) -> tuple:
        return tuple(values[name] if name else constant for name, constant in self.slots)


def _converted(rows: list[tuple], converters: list, connection) -> list[tuple]:
    """The rows as SQLCompiler.apply_converters leaves them, from converters found once."""
    converted = []
    for row in rows:
        values = list(row)
        for position, (functions, expression) in converters:
            value = values[position]
            for function in functions:
                value = function(value, expression, connection)
            values[position] = value
        converted.append(tuple(values))
    return converted


class Statement:
    """A queryset compiled once per database alias, run again with new values."""

    def __init__(self, build: Callable[..., QuerySet], *names: str, using: str = "default") -> None:
        self.build, self.names, self.using = build, list(names), using
        self._compiled: _Compiled | None = None
        self._lock = threading.Lock()

    def _ready(self) -> _Compiled:
        compiled = self._compiled
        if compiled is None:
            with self._lock:
                if self._compiled is None:
                    stand_ins = {name: _STAND_IN_BASE - i for i, name in enumerate(self.names)}
                    self._compiled = self._compile(stand_ins)
                compiled = self._compiled
        return compiled

    def _compile(self, stand_ins: dict[str, Any]) -> _Compiled:
        return _Compiled(self.build(**stand_ins), self.names, stand_ins, self.using)

    def rows(self, **values: Any) -> list[tuple]:
        """The rows, converted as the queryset's would be (for a values_list queryset)."""
        compiled = self._ready()
        connection = connections[self.using]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, compiled.params(values))
            fetched = cursor.fetchall()
        return _converted(fetched, compiled.converters, connection) if compiled.converters else fetched

    def models(self, **values: Any) -> list[Model]:
        """The model instances, with their select_related rows and annotations."""
        compiled = self._ready()
        if compiled.model is None:
            raise TypeError("not a queryset of model instances")
        instances = []
        for row in self.rows(**values):
            instance = compiled.model.from_db(self.using, compiled.init_list, row[compiled.start : compiled.end])
            for populator in compiled.populators:
                populator.populate(row, instance)
            for name, position in compiled.annotations.items():
                setattr(instance, name, row[position])
            instances.append(instance)
        return instances


class Update(Statement):
    """`build(**values).update(**{field: value for field in fields})`, compiled once per alias;
    `fields` are attnames of plain columns of the queryset's model."""

    def __init__(
        self, build: Callable[..., QuerySet], *names: str, fields: Sequence[str], using: str = "default"
    ) -> None:
        super().__init__(build, *names, *fields, using=using)
        self.where_names, self.fields = list(names), list(fields)

    def _compile(self, stand_ins: dict[str, Any]) -> _Compiled:
        queryset = self.build(**{name: stand_ins[name] for name in self.where_names})
        query = queryset.query.chain(sql.UpdateQuery)
        query.add_update_values(  # type: ignore[attr-defined]
            {name: Value(stand_ins[name]) for name in self.fields}
        )
        compiled = _Compiled(queryset, self.names, stand_ins, self.using, query=query)
        meta = queryset.model._meta
        self._model_fields = [meta.get_field(name) for name in self.fields]
        return compiled

    def run(self, **values: Any) -> int:
        """The number of rows updated."""
        compiled = self._ready()
        connection = connections[self.using]
        for name, field in zip(self.fields, self._model_fields, strict=True):
            values[name] = field.get_db_prep_save(values[name], connection=connection)
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, compiled.params(values))
            return cursor.rowcount


class Insert:
    """`instance.save()` of a new instance of `model` (no parent models, an auto primary key,
    no field with a placeholder of its own), its INSERT compiled once per alias."""

    def __init__(self, model: type[Model], using: str = "default") -> None:
        self.model, self.using = model, using
        self._compiled: tuple[str, list, Any, list] | None = None
        self._lock = threading.Lock()

    def _ready(self, instance: Model) -> tuple[str, list, Any, list]:
        compiled = self._compiled
        if compiled is None:
            with self._lock:
                if self._compiled is None:
                    meta = self.model._meta
                    if (
                        meta.parents
                        or meta.order_with_respect_to
                        or any(hasattr(f, "get_placeholder") for f in meta.local_concrete_fields)
                    ):
                        raise TypeError(f"{meta.label} is not a model an Insert can write")
                    fields = [f for f in meta.local_concrete_fields if not f.generated and f is not meta.auto_field]
                    query = sql.InsertQuery(self.model)
                    query.insert_values(fields, [instance])
                    compiler = query.get_compiler(using=self.using)
                    compiler.returning_fields = meta.db_returning_fields
                    [(statement, _)] = compiler.as_sql()
                    returning = [field.get_col(meta.db_table) for field in meta.db_returning_fields]
                    converters = list(compiler.get_converters(returning).items())
                    self._compiled = (statement, fields, compiler.returning_params, converters)
                compiled = self._compiled
        return compiled

    def save(self, instance: Model) -> None:
        """Insert the instance; its primary key (and any other returned column) is set."""
        if instance.pk is not None or not instance._state.adding:
            raise ValueError("Insert.save takes a new instance, its primary key unset")
        instance._prepare_related_fields_for_save(operation_name="save")  # type: ignore[attr-defined]
        sender, using = type(instance), self.using
        if signals.pre_save.has_listeners(sender):
            signals.pre_save.send(sender=sender, instance=instance, raw=False, using=using, update_fields=None)
        statement, fields, returning_params, converters = self._ready(instance)
        connection = connections[using]
        params = []
        for field in fields:
            value = field.pre_save(instance, True)
            if hasattr(value, "resolve_expression"):
                raise TypeError(f"{field.name}: an Insert takes plain values")
            params.append(field.get_db_prep_save(value, connection=connection))
        meta = self.model._meta
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            if connection.features.can_return_columns_from_insert:
                returned = connection.ops.fetch_returned_insert_columns(cursor, returning_params)
            else:
                returned = (connection.ops.last_insert_id(cursor, meta.db_table, meta.pk.column),)
        if converters:
            (returned,) = _converted([returned], converters, connection)
        for value, field in zip(returned, meta.db_returning_fields, strict=True):
            setattr(instance, field.attname, value)
        instance._state.adding = False
        instance._state.db = using
        if signals.post_save.has_listeners(sender):
            signals.post_save.send(
                sender=sender, instance=instance, created=True, update_fields=None, raw=False, using=using
            )
