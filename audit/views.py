"""The audit page: who changed what, when, from what to what, for the administrator and for
each office over its own place."""

import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from audit.selectors import filtered_entries, may_read_trail
from pingan.pagination import page_of
from pingan.responses import xlsx_download
from pingan.sheets import write_table

EXPORT_LIMIT = 50000
HEADERS = [
    "序号",
    "时间",
    "操作人",
    "来源地址",
    "事项",
    "对象",
    "村(社区)",
    "变更前",
    "变更后",
    "摘要",
]


def _require_reader(user):
    if not may_read_trail(user):
        raise PermissionDenied


@login_required
def entry_list(request):
    _require_reader(request.user)
    return render(
        request,
        "audit/entry_list.html",
        {
            "entries": page_of(request, filtered_entries(request.user, request.GET)),
            "filters": {name: request.GET.get(name, "") for name in FILTERS},
            "query": request.GET.urlencode(),
        },
    )


FILTERS = ("village", "person", "action", "since", "until")


def _text(value):
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


@login_required
def entry_export(request):
    _require_reader(request.user)
    entries = filtered_entries(request.user, request.GET)[:EXPORT_LIMIT]
    rows = (
        [
            entry.sequence,
            entry.occurred_at.strftime("%Y-%m-%d %H:%M:%S"),
            entry.actor_name,
            entry.address or "",
            entry.action,
            entry.object_repr,
            entry.village.name if entry.village else "",
            _text(entry.before),
            _text(entry.after),
            entry.entry_hash,
        ]
        for entry in entries
    )
    return xlsx_download(write_table("审计日志", HEADERS, rows), "审计日志.xlsx")
