"""EXPLAIN every query of the hot pages at province scale and list the sequential scans."""

import json

from django.db import connection
from django.test.utils import CaptureQueriesContext

HOT_PAGES = (
    "镇平安办工作台",
    "市级排名",
    "省级排名",
    "村(社区)考评页",
    "自评页",
    "称号(省)",
    "案事件(省)",
    "创建活动列表(省)",
)
LARGE_TABLE_ROWS = 10_000


def _plan_nodes(node):
    yield node
    for child in node.get("Plans", []):
        yield from _plan_nodes(child)


def _table_rows():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples::bigint FROM pg_class WHERE relkind = 'r' "
            "AND relnamespace = 'public'::regnamespace"
        )
        return dict(cursor.fetchall())


def scans(actors, listed):
    """(page, table, rows, queries on the page, total estimated cost) of each large seq scan."""
    rows = _table_rows()
    found = []
    for role, name, url in listed:
        if name not in HOT_PAGES:
            continue
        client = actors.client(role)
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
                plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            for node in _plan_nodes(plan[0]["Plan"]):
                table = node.get("Relation Name")
                if node["Node Type"] == "Seq Scan" and rows.get(table, 0) >= LARGE_TABLE_ROWS:
                    found.append((name, table, rows[table], node.get("Filter", "")))
    return found


def section(actors, listed):
    found = scans(actors, listed)
    lines = [
        "## Query plans at province scale",
        "",
        "Every SELECT of the hot pages (" + "、".join(HOT_PAGES) + ") run through",
        f"`EXPLAIN`; listed are sequential scans of tables with {LARGE_TABLE_ROWS:,} rows or more.",
        "",
    ]
    if not found:
        lines.append("No sequential scan of a large table: every such query uses an index.")
        return lines
    lines.append(
        "A sequential scan stays where the page reads most of the table anyway (a province-wide"
    )
    lines.append("aggregate or sort); see the reading below.")
    lines.append("")
    lines += ["| page | table | rows | filter |", "|---|---|---|---|"]
    for name, table, count, condition in found:
        lines.append(f"| {name} | {table} | {count:,} | `{condition[:120]}` |")
    return lines
