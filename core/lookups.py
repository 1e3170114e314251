"""`field__any=[…]`: membership in a long list of values, sent as one array on PostgreSQL.

`__in` prepares, resolves and binds each value as its own parameter: for the thousands of
ids the daily cycle and the imports filter by, that costs more in Python than the query
on the server (a batch of 500 cases spends milliseconds in `get_prep_lookup`). `__any`
takes the values as they are (ints, strings, dates: database-ready, no model instances)
and sends one array. Other databases get a plain `IN (…)`. An empty list matches nothing,
as `__in=[]` does.

On PostgreSQL the array is a constant, `= ANY('{…}'::type[])`, which the planner sees
whole: it estimates the rows from each value and, scanning a table, hashes the list.
(Read through a one-row subquery instead, the array plans faster but is searched value by
value for every row scanned: matching 2 000 OCR references against 100 000 cases took
seconds per chunk, bench/import.py.) Ids go as an array literal rather than through
psycopg2's per-value adaptation (0.8 ms for 500 ints).

Pass a set where the list is long and the order does not matter: Django walks a list or
tuple given to any lookup value by value, looking for expressions to resolve (0.25 ms for
500 ids, per query), and takes any other collection as it is.
"""
from django.core.exceptions import EmptyResultSet
from django.db.models import Field, ForeignObject, Lookup


class AnyOf(Lookup):
    lookup_name = "any"
    prepare_rhs = False

    def get_prep_lookup(self):
        if hasattr(self.rhs, "resolve_expression") or isinstance(self.rhs, (str, bytes)):
            raise TypeError("__any takes a collection of values; use __in for a query")
        return list(self.rhs)

    def as_sql(self, compiler, connection):
        if not self.rhs:
            raise EmptyResultSet
        lhs, params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            kind = self.lhs.output_field.db_type(connection)
            values = self.rhs
            if all(type(value) is int for value in values):
                values = "{" + ",".join(map(str, values)) + "}"
            return f"{lhs} = ANY(%s::{kind}[])", (*params, values)
        return f"{lhs} IN ({', '.join(['%s'] * len(self.rhs))})", (*params, *self.rhs)


Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)  # related fields keep their own lookups, not Field's
