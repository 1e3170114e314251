"""Set a few columns on many rows, and insert many rows, in a few statements.

The bulk paths (the daily cycle's steps, a ledger import's openings, a payment file's
batches) hand their rows to a `BulkWriter`: typed rows (NamedTuples whose field names
are the model's attnames), built by the same functions the one-at-a-time services use.
The writer draws the ids the rows need, inserts the models in an order their foreign
keys allow, and on PostgreSQL sends the inserts as COPYs behind (`copies_behind`).

Django's `bulk_update` builds a CASE WHEN expression per row and field, which costs more
in Python than the daily cycle's whole step; on PostgreSQL one `UPDATE … FROM (VALUES …)`
does the same work, and for thousands of rows an UPDATE from a temporary table filled by
COPY (one join instead of one per page of VALUES). Other databases get `executemany`.
"""
import csv
import io
import itertools
import json
import threading
from collections import defaultdict, deque
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from typing import NamedTuple

from django.db import connection

TEXT_TYPES = {"CharField", "TextField", "SlugField", "EmailField"}
# From this many rows bulk_set copies them into a temporary table first (PostgreSQL).
COPY_FROM = 2000
PAGE = 1000  # rows per UPDATE … FROM (VALUES …)
_temporary = itertools.count()


def bulk_set(model, objects, fields: list[str]) -> None:
    objects = list(objects)
    if not objects:
        return
    _wait_behind()  # its VALUES pages go through the raw cursor, which the block's wrapper does not see
    table = model._meta.db_table
    quote = connection.ops.quote_name  # `connection` is a proxy: each attribute costs a context-local lookup
    columns = [quote(model._meta.get_field(name).column) for name in fields]
    json_at = {i for i, name in enumerate(fields, start=1)
               if model._meta.get_field(name).get_internal_type() == "JSONField"}
    rows = [(obj.pk, *(getattr(obj, name) for name in fields)) for obj in objects]
    if json_at:
        rows = _json_dumped(rows, json_at)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            from psycopg2.extras import execute_values

            model_fields = [model._meta.get_field(name) for name in fields]
            types = [f.db_type(connection) for f in model_fields]
            assignments = ", ".join(f"{col} = v.{col}::{kind}" for col, kind in zip(columns, types))
            if len(rows) < COPY_FROM:
                # The ids again as an array: else the join is planned as a scan of the whole table (13 ms
                # for 500 rows of 20 000 cases, against 2 ms through the primary key).
                for start in range(0, len(rows), PAGE):
                    page = rows[start:start + PAGE]
                    ids = "{" + ",".join(str(int(row[0])) for row in page) + "}"
                    execute_values(cursor.cursor, f"UPDATE {table} AS t SET {assignments} FROM (VALUES %s) "
                                                  f"AS v(id, {', '.join(columns)}) WHERE t.id = v.id "
                                                  f"AND t.id = ANY('{ids}'::bigint[])", page, page_size=PAGE)
                return
            source = f"bulk_set_{next(_temporary)}"
            definitions = ", ".join(f"{col} {kind}" for col, kind in zip(columns, types))
            cursor.execute(f"CREATE TEMPORARY TABLE {source} (id bigint, {definitions})")
            _copy(cursor, source, ["id", *columns], rows, _text_columns(model_fields))
            cursor.execute(f"UPDATE {table} AS t SET {assignments} FROM {source} AS v WHERE t.id = v.id")
            cursor.execute(f"DROP TABLE {source}")
        else:
            assignments = ", ".join(f"{col} = %s" for col in columns)
            cursor.executemany(f"UPDATE {table} SET {assignments} WHERE id = %s",
                               [(*row[1:], row[0]) for row in rows])


def insert_rows(model, fields: list[str], rows: list[tuple], *, returning: bool = False,
                ids: list[int] | None = None) -> list[int]:
    """Insert many rows given as tuples of Python values in `fields` order; optionally return their ids.

    Building a model instance per row and letting `bulk_create` prepare it costs several
    times the INSERT itself; the daily cycle writes five rows per step, so it uses this.
    On PostgreSQL the rows go in by COPY (ids, when wanted, are drawn from the table's
    sequence first); elsewhere by one INSERT per row. `ids`: drawn before (`draw_ids`),
    one per row, so that inside `copies_behind` nothing waits for the COPYs before.
    """
    if not rows:
        return []
    if ids is not None and len(ids) != len(rows):
        raise ValueError(f"{len(ids)} ids drawn for {len(rows)} rows")
    table = model._meta.db_table
    model_fields = [model._meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name  # `connection` is a proxy: each attribute costs a context-local lookup
    columns = [quote(f.column) for f in model_fields]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if ids is None and returning:
                ids = draw_ids(model, len(rows))
            if ids is not None:
                rows = [(pk, *row) for pk, row in zip(ids, rows)]
                columns = ["id", *columns]
            json_at = [i + (ids is not None) for i, f in enumerate(model_fields) if f.get_internal_type() == "JSONField"]
            if json_at:
                rows = _json_dumped(rows, json_at)
            _copy(cursor, table, columns, rows, _text_columns(model_fields), behind=True)
            return ids or []
        if ids is not None:
            model_fields, columns = [model._meta.pk, *model_fields], ["id", *columns]
            rows = [(pk, *row) for pk, row in zip(ids, rows)]
        placeholders = ", ".join(["%s"] * len(columns))
        suffix = " RETURNING id" if returning and ids is None else ""
        drawn = []
        for row in rows:
            values = [f.get_db_prep_save(v, connection) for f, v in zip(model_fields, row)]
            cursor.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders}){suffix}", values)
            if suffix:
                drawn.append(cursor.fetchone()[0])
        return ids or drawn


def draw_ids(model, count: int) -> list[int]:
    """`count` new primary keys for the model's table, for `insert_rows(…, ids=…)`.

    On PostgreSQL they come from the table's sequence. The sequence is looked up once (a
    subquery): called per row, the lookup made drawing 100 000 ids take 0.43 s, not 0.05 s.
    Elsewhere (SQLite, one writer at a time) they follow the largest id the table has
    had; the transaction that draws them must insert them before it commits."""
    if count <= 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT nextval((SELECT pg_get_serial_sequence('{table}', 'id')::regclass)) "
                           f"FROM generate_series(1, %s)", [count])
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT MAX(COALESCE((SELECT MAX(id) FROM {table}), 0), "
                       f"COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))", [table])
        start = cursor.fetchone()[0] + 1
    return list(range(start, start + count))


def _json_dumped(rows: list[tuple], json_at) -> list[list]:
    """The rows with their JSON columns (at the indexes `json_at`) serialised; the other values as they are."""
    dumps = json.dumps
    dumped = []
    for row in rows:
        row = list(row)
        for i in json_at:
            row[i] = dumps(row[i])
        dumped.append(row)
    return dumped


def _text_columns(model_fields) -> list[str]:
    quote = connection.ops.quote_name
    return [quote(f.column) for f in model_fields if f.get_internal_type() in TEXT_TYPES and not f.null]


def _copy(cursor, table: str, columns: list[str], rows, text_columns: list[str], behind: bool = False) -> None:
    """COPY the rows into the table's columns. csv.writer (C) leaves None and "" both as an
    empty field, which COPY reads as NULL; FORCE_NOT_NULL makes it "" again in the text
    columns, which are never NULL. `behind`: inside `copies_behind`, on its second thread."""
    buffer = io.StringIO()
    # Not core.csvfile: this is PostgreSQL's input, never a file a person opens, and its
    # values must arrive exactly as given (no quote before a leading "-" or "=").
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    buffer.seek(0)
    options = f", FORCE_NOT_NULL ({', '.join(text_columns)})" if text_columns else ""
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv{options})"
    pipeline = getattr(_state, "behind", None)
    if behind and pipeline is not None:
        pipeline.submit(sql, buffer)
    else:
        cursor.cursor.copy_expert(sql, buffer)


_state = threading.local()


class _Behind:
    """One thread that runs the block's COPYs in order, each on a cursor of its own."""

    def __init__(self, raw_connection, wrap_database_errors):
        self.raw = raw_connection
        self.wrap_errors = wrap_database_errors  # psycopg2's errors as Django's, as for any other statement
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="copy-behind")
        self.pending = []

    def submit(self, sql: str, buffer) -> None:
        self.pending.append(self.executor.submit(self._copy, sql, buffer))

    def _copy(self, sql: str, buffer) -> None:
        # In one read: this thread needs the GIL for each read of the buffer, and gets it only
        # every few milliseconds while the other one runs Python (8 KB reads took seconds).
        with self.raw.cursor() as cursor:
            cursor.copy_expert(sql, buffer, size=max(8192, len(buffer.getvalue())))

    def wait(self) -> None:
        """Until every COPY so far is done; the first one that failed raises here."""
        pending, self.pending = self.pending, []
        for index, future in enumerate(pending):
            try:
                with self.wrap_errors:
                    future.result()
            except BaseException:
                _settled(pending[index + 1:])  # the connection falls idle before the error rolls it back
                raise

    def close(self) -> None:
        _settled(self.pending)
        self.pending = []
        self.executor.shutdown(wait=True)


def _settled(futures) -> None:
    """Each COPY not yet started is cancelled; each running one is waited for, its error dropped."""
    for future in futures:
        future.cancel() or future.exception()


def _wait_behind() -> None:
    pipeline = getattr(_state, "behind", None)
    if pipeline is not None:
        pipeline.wait()


@contextmanager
def copies_behind():
    """Inside: `insert_rows`' COPYs go to PostgreSQL from a second thread, in order, while
    this one goes on preparing the next rows; a bulk insert is then mostly hidden behind
    the Python that builds the next one (bench/import.py). Any other statement first waits
    for them, and so does the end of the block, where the first COPY that failed raises.

    Foreign keys are checked as each COPY ends (`SET CONSTRAINTS ALL IMMEDIATE`), on that
    thread, instead of all at COMMIT: inside, rows go in after the rows they refer to.
    They are deferred again after the block. Elsewhere than PostgreSQL, or nested, it
    changes nothing."""
    if connection.vendor != "postgresql" or getattr(_state, "behind", None) is not None:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    pipeline = _state.behind = _Behind(connection.connection, connection.wrap_database_errors)

    def waiting_first(execute, sql, params, many, context):
        pipeline.wait()
        return execute(sql, params, many, context)

    try:
        with connection.execute_wrapper(waiting_first):
            yield
            pipeline.wait()
    finally:
        _state.behind = None
        pipeline.close()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


# Rows a writer holds before it sends them all (behind, on PostgreSQL) without being asked:
# large enough that a COPY's fixed cost is small, small enough that the next rows are built
# while it runs (a ledger import of 100 000 rows holds ~400 000).
SEND_EVERY = 5000


class BulkWriter:
    """Rows of any models, added in any order, inserted in one go per model and flush.

        with BulkWriter() as writer:
            case_id = writer.add(Case, case_row, keyed=True)   # its id, drawn now
            writer.add(LedgerEntry, entry_row)                  # refers to case_id
        # every row is stored here (on PostgreSQL, the first COPY that failed raises)

    `add` keeps the row; `flush` (called by the writer every SEND_EVERY rows, at the end
    of the block, or by the caller) inserts what it holds, a model's rows after those of
    the models they refer to, so foreign keys hold as each insert ends. On PostgreSQL the
    inserts are COPYs sent behind (`copies_behind`): any other statement waits for them,
    so what was flushed is there for it to read; what is only added is not.

    Ids (`keyed=True`) come from a stock drawn ahead. On PostgreSQL the stock is drawn
    from the table's sequence: at first as many as `expect` says the block will key (else
    64, then twice what it has used), and each flush draws as many again as that flush
    used (no more than still expected) before it sends its COPYs, so that the next rows'
    ids do not wait behind them. Ids left in stock at the end are a gap in the table's
    ids, as a rolled-back insert leaves; `expect` keeps it small. Elsewhere
    (SQLite, one writer at a time) ids follow the largest the table has had, and no row
    of a keyed model may be saved another way between a keyed `add` and the next flush."""

    def __init__(self, *, expect: dict | None = None):
        self._expected = dict(expect or {})  # model → how many more keyed rows the caller expects
        self._rows: dict = defaultdict(list)  # model → rows, in the order added
        self._ids: dict = defaultdict(list)  # model → the ids of its rows (keyed models)
        self._stock: dict = defaultdict(deque)  # model → ids drawn, not yet handed out
        self._used: dict = defaultdict(int)  # model → ids handed out since the last flush
        self._fields: dict = {}  # model → the field names of its rows
        self._held = 0
        self._stack: ExitStack | None = None
        self._postgres = connection.vendor == "postgresql"

    def __enter__(self) -> "BulkWriter":
        self._stack = ExitStack()
        self._stack.enter_context(copies_behind())
        return self

    def __exit__(self, kind, error, traceback) -> bool:
        stack, self._stack = self._stack, None
        if kind is not None:  # nothing more is sent; what was is settled, and the error goes on
            return stack.__exit__(kind, error, traceback)
        with stack:
            self.flush(last=True)
        return False

    def expect(self, model, count: int) -> None:
        """The block will add about `count` more keyed rows of `model` (ids are drawn for that many)."""
        self._expected[model] = count

    def add(self, model, row: NamedTuple, *, keyed: bool = False) -> int | None:
        """Hold `row` (field names: the model's attnames) for insertion; with `keyed`, its new id."""
        fields = self._fields.setdefault(model, row._fields)
        if fields != row._fields:
            raise TypeError(f"a {model.__name__} row with fields {row._fields}, not {fields}")
        pk = None
        if keyed:
            pk = self._new_id(model)
            self._ids[model].append(pk)
        elif self._ids[model]:
            raise TypeError(f"{model.__name__} rows are keyed: add each with keyed=True")
        self._rows[model].append(row)
        self._held += 1
        if self._held >= SEND_EVERY:
            self.flush()
        return pk

    def flush(self, *, last: bool = False) -> None:
        """Insert every row held, in an order the foreign keys between the models allow."""
        if not self._held:
            return
        rows, ids, used = self._rows, self._ids, self._used
        self._rows, self._ids, self._used, self._held = defaultdict(list), defaultdict(list), defaultdict(int), 0
        if self._postgres:
            if not last:  # the next rows' ids, drawn before the COPYs are sent and not behind them
                for model, count in used.items():
                    count = min(count, self._expected.get(model, count))
                    if len(self._stock[model]) < count:
                        self._stock[model].extend(draw_ids(model, count - len(self._stock[model])))
        else:
            self._stock.clear()  # after the inserts, the table's largest id counts again
        for model in _referred_first(list(rows)):
            insert_rows(model, list(self._fields[model]), rows[model], ids=ids[model] or None)

    def _new_id(self, model) -> int:
        stock = self._stock[model]
        if not stock:  # PostgreSQL: what is expected, or twice what this flush has used; elsewhere the next id
            count = self._expected.get(model) or max(64, 2 * self._used[model])
            stock += draw_ids(model, count if self._postgres else 1)
        pk = stock.popleft()
        if self._expected.get(model):
            self._expected[model] -= 1
        if not self._postgres:
            stock.append(pk + 1)  # counted on: nothing else inserts into the table meanwhile
        self._used[model] += 1
        return pk


def _referred_first(models: list) -> list:
    """The models in an order in which each comes after every other one it refers to (a
    foreign key); otherwise in the order given. A model's reference to itself is left out."""
    ordered, pending = [], list(models)
    while pending:
        for model in pending:
            refers = {f.related_model for f in model._meta.concrete_fields
                      if f.is_relation and f.related_model is not model}
            if not refers.intersection(m for m in pending if m is not model):
                ordered.append(model)
                pending.remove(model)
                break
        else:
            raise ValueError(f"models that refer to each other: {[m.__name__ for m in pending]}")
    return ordered


class OneByOne:
    """A writer with `BulkWriter`'s `add` that saves each row at once, as a model instance
    (`save`): the one-case services' plain path, which the tests hold the bulk paths to."""

    def __enter__(self) -> "OneByOne":
        return self

    def __exit__(self, kind, error, traceback) -> bool:
        return False

    def add(self, model, row: NamedTuple, *, keyed: bool = False) -> int:
        instance = model(**row._asdict())
        instance.save(force_insert=True)
        return instance.pk

    def flush(self) -> None:
        """Nothing is held."""
