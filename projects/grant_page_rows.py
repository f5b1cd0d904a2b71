"""The grant page's small relations of one grant in ONE query instead of one query each.

The grant pages show about a dozen relations of a grant (signatories, agreements and their
signatures and signed files, payments, settlements, agreement requests, amendments, bank
accounts, reports). Each is a handful of rows, but prefetch_related() asks for each in its own
query, so the page cost grew with the number of relations, not of rows. Here every relation is
one branch of a UNION ALL, each row as a JSON object of its columns; the rows come back as model
instances (Model.from_db, each value converted as its field reads it) and are put where
prefetch_related() would have put them, so everything that reads `grant.payments.all()`,
`agreement.signatures.all()` or `grant.live_bank_accounts` works unchanged and asks nothing.

Only plain columns travel this way (text, numbers, dates, booleans, JSON, file names); a model
with other field types is refused (ValueError) rather than read wrong."""

import datetime
import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import cmp_to_key

from django.conf import settings
from django.db import connections, models
from django.db.models import CharField, F, QuerySet, Value
from django.db.models.functions import JSONObject
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

# Field types whose values come back from JSON as _field_value() converts them.
_PLAIN_FIELDS = (
    models.AutoField,
    models.BigAutoField,
    models.IntegerField,  # also the positive and small ones
    models.BooleanField,
    models.CharField,  # also e-mail, slug, URL
    models.TextField,
    models.DecimalField,
    models.DateTimeField,  # before DateField: it is one
    models.DateField,
    models.JSONField,
    models.FileField,
    models.ForeignKey,
    models.GenericIPAddressField,
)


@dataclass(frozen=True)
class Relation:
    """One relation to read: `queryset` (already narrowed to the owner's rows) is read into the
    owners' prefetch cache `name` (or the attribute `to_attr`), grouped by the FK `owner_field`."""

    name: str
    queryset: QuerySet
    owner_field: str = "grant"
    to_attr: str | None = None


# PostgreSQL's JSONB_BUILD_OBJECT takes at most 100 arguments: a name and a value a column.
MAX_COLUMNS = 50


def _columns(model) -> list:
    fields = list(model._meta.concrete_fields)
    if len(fields) > MAX_COLUMNS:
        raise ValueError(f"{model.__name__} has more than {MAX_COLUMNS} columns")
    for field in fields:
        if not isinstance(field, _PLAIN_FIELDS):
            raise ValueError(
                f"{model.__name__}.{field.name} ({type(field).__name__}) can't be read"
            )
    return fields


def _field_value(field, value, vendor: str):
    """A column's value as the ORM would have read it, from its JSON form."""
    if value is None:
        return None
    if isinstance(field, models.JSONField):
        # SQLite keeps JSON as text and json_object() embeds it as a string; PostgreSQL nests it.
        return json.loads(value) if vendor == "sqlite" else value
    if isinstance(field, models.DateTimeField):
        moment = parse_datetime(value)
        if settings.USE_TZ and timezone.is_naive(moment):  # SQLite keeps UTC without its offset
            moment = timezone.make_aware(moment, datetime.UTC)
        return moment
    if isinstance(field, models.DateField):
        return parse_date(value)
    if isinstance(field, models.DecimalField):
        return Decimal(str(value)).quantize(Decimal(1).scaleb(-field.decimal_places))
    if isinstance(field, models.BooleanField):
        return bool(value)
    if isinstance(field, models.ForeignKey):
        return field.target_field.to_python(value)
    return field.to_python(value)


def _order_key(model):
    """A sort key for `model`'s rows by its Meta.ordering (a relation sorts by its id: all rows of
    one owner share it); None sorts first ascending, as in PostgreSQL's DESC / SQLite's ASC."""
    ordering = []
    for name in model._meta.ordering:
        descending = name.startswith("-")
        name = name.lstrip("-")
        if "__" in name:
            raise ValueError(f"{model.__name__} is ordered across a relation ({name})")
        field = model._meta.pk if name == "pk" else model._meta.get_field(name)
        ordering.append((field.attname, descending))

    def compare(a, b) -> int:
        for attname, descending in ordering:
            x, y = getattr(a, attname), getattr(b, attname)
            if x == y:
                continue
            # None first; otherwise by value.
            result = -1 if x is None or (y is not None and x < y) else 1
            return -result if descending else result
        return 0

    return cmp_to_key(compare)


def _cache(owner, relation: Relation, rows: list) -> None:
    if relation.to_attr:
        setattr(owner, relation.to_attr, rows)
        return
    queryset = getattr(owner, relation.name).all()
    queryset._result_cache = rows
    queryset._prefetch_done = True
    owner.__dict__.setdefault("_prefetched_objects_cache", {})[relation.name] = queryset


def relations_read(owners: list, relations: list[Relation]) -> dict[str, list]:
    """Read every relation in one query and cache its rows on their owners, as prefetch_related()
    would: `owners` are the objects the relations hang from (e.g. [grant]); a relation may hang
    from the rows of one listed before it (the signatures from the agreements). Returns the rows
    read, by relation name."""
    if not relations:
        return {}
    db = relations[0].queryset.db
    vendor = connections[db].vendor
    fields = {r.name: _columns(r.queryset.model) for r in relations}
    models_by_name = {r.name: r.queryset.model for r in relations}
    branches = [
        r.queryset.order_by()
        .annotate(
            relation_name=Value(r.name, output_field=CharField()),
            relation_row=JSONObject(**{f.attname: F(f.attname) for f in fields[r.name]}),
        )
        .values_list("relation_name", "relation_row")
        for r in relations
    ]
    query = branches[0].union(*branches[1:], all=True) if len(branches) > 1 else branches[0]
    rows: dict[str, list] = defaultdict(list)
    for name, row in query:
        if isinstance(row, str):  # a backend that returns the JSON undecoded
            row = json.loads(row)
        names = [f.attname for f in fields[name]]
        values = [_field_value(f, row[f.attname], vendor) for f in fields[name]]
        rows[name].append(models_by_name[name].from_db(db, names, values))

    by_model = defaultdict(list)
    for owner in owners:
        by_model[type(owner)].append(owner)
    for relation in relations:
        model = relation.queryset.model
        read = sorted(rows[relation.name], key=_order_key(model))
        fk = model._meta.get_field(relation.owner_field)
        grouped = defaultdict(list)
        for row in read:
            grouped[getattr(row, fk.attname)].append(row)
        for owner in by_model[fk.related_model]:
            children = grouped.get(owner.pk, [])
            for child in children:
                fk.set_cached_value(child, owner)  # child.grant asks nothing
            _cache(owner, relation, children)
        by_model[model].extend(read)
    return dict(rows)
