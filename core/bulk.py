"""Set a few columns on many rows in one statement.

Django's `bulk_update` builds a CASE WHEN expression per row and field, which costs more
in Python than the daily cycle's whole step; on PostgreSQL one `UPDATE … FROM (VALUES …)`
does the same work. Other databases get `executemany`.
"""
from django.db import connection


def bulk_set(model, objects, fields: list[str]) -> None:
    objects = list(objects)
    if not objects:
        return
    table = model._meta.db_table
    columns = [model._meta.get_field(name).column for name in fields]
    rows = [(obj.pk, *(getattr(obj, name) for name in fields)) for obj in objects]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            from psycopg2.extras import execute_values

            types = [model._meta.get_field(name).db_type(connection) for name in fields]
            assignments = ", ".join(f"{col} = v.{col}::{kind}" for col, kind in zip(columns, types))
            execute_values(cursor.cursor, f"UPDATE {table} AS t SET {assignments} FROM (VALUES %s) "
                                          f"AS v(id, {', '.join(columns)}) WHERE t.id = v.id", rows, page_size=1000)
        else:
            assignments = ", ".join(f"{col} = %s" for col in columns)
            cursor.executemany(f"UPDATE {table} SET {assignments} WHERE id = %s",
                               [(*row[1:], row[0]) for row in rows])


def insert_rows(model, fields: list[str], rows: list[tuple], *, returning: bool = False) -> list[int]:
    """Insert many rows given as tuples of Python values in `fields` order; optionally return their ids.

    Building a model instance per row and letting `bulk_create` prepare it costs several
    times the INSERT itself; the daily cycle writes five rows per step, so it uses this.
    """
    if not rows:
        return []
    table = model._meta.db_table
    model_fields = [model._meta.get_field(name) for name in fields]
    columns = ", ".join(f.column for f in model_fields)
    suffix = " RETURNING id" if returning else ""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            from psycopg2.extras import Json, execute_values

            json_at = [i for i, f in enumerate(model_fields) if f.get_internal_type() == "JSONField"]
            if json_at:
                rows = [tuple(Json(v) if i in json_at else v for i, v in enumerate(row)) for row in rows]
            result = execute_values(cursor.cursor, f"INSERT INTO {table} ({columns}) VALUES %s{suffix}", rows,
                                    page_size=1000, fetch=returning)
            return [row[0] for row in result] if returning else []
        placeholders = ", ".join(["%s"] * len(fields))
        ids = []
        for row in rows:
            values = [f.get_db_prep_save(v, connection) for f, v in zip(model_fields, row)]
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES ({placeholders}){suffix}", values)
            if returning:
                ids.append(cursor.fetchone()[0])
        return ids
