"""Loading the administrative tree and its villages from one sheet, through
django-import-export; a preview first, then the same import for real, all or nothing."""

from dataclasses import dataclass, field

import tablib
from django.db import transaction
from import_export import fields, resources, widgets
from import_export.instance_loaders import CachedInstanceLoader

from audit.trail import record_many
from pingan.errors import NotPermitted
from pingan.sheets import SheetRefused, read_table
from villages.models import Region, Village, VillageEvent
from villages.rules import is_administrator
from villages.services import record_village_events

CODE, NAME, KIND, PARENT = "统计用区划代码", "名称", "类型", "上级区划代码"
COUNT_COLUMNS = {
    "网格数": "grid_count",
    "高清探头数": "camera_count",
    "网格员人数": "grid_worker_count",
    "辅警人数": "auxiliary_police_count",
    "法律顾问人数": "legal_adviser_count",
    "治保调解主任人数": "mediation_director_count",
    "治安巡逻队人数": "patrol_team_size",
}
TEXT_COLUMNS = {"党组织书记": "secretary_name", "书记联系电话": "secretary_phone"}
HEADERS = [CODE, NAME, KIND, PARENT, *TEXT_COLUMNS, *COUNT_COLUMNS]
EXAMPLE = ["429006104203", "新沟村", "村", "429006104", "张三", "13800000000", 6, 8, 6, 1, 1, 1, 12]

LEVEL_OF_KIND = {label: value for value, label in Region.Level.choices}
VILLAGE_KIND = {label: value for value, label in Village.Kind.choices}
LEVEL_ORDER = [Region.Level.PROVINCE, Region.Level.CITY, Region.Level.COUNTY, Region.Level.TOWN]
ALLOWED_PARENTS = {
    Region.Level.PROVINCE: set(),
    Region.Level.CITY: {Region.Level.PROVINCE},
    Region.Level.COUNTY: {Region.Level.PROVINCE, Region.Level.CITY},
    Region.Level.TOWN: {Region.Level.PROVINCE, Region.Level.CITY, Region.Level.COUNTY},
}


class RegionByCode(widgets.ForeignKeyWidget):
    """A region looked up by code from one query per import, not one per row."""

    def __init__(self):
        super().__init__(Region, "code")
        self.known = None

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        code = str(value)
        if self.known is None:
            self.known = {region.code: region for region in Region.objects.all()}
        if code not in self.known:
            self.known[code] = Region.objects.get(code=code)
        return self.known[code]


class RegionResource(resources.ModelResource):
    code = fields.Field(attribute="code", column_name=CODE)
    name = fields.Field(attribute="name", column_name=NAME)
    level = fields.Field(attribute="level", column_name="level")
    parent = fields.Field(attribute="parent", column_name=PARENT, widget=RegionByCode())

    class Meta:
        model = Region
        import_id_fields = ["code"]
        fields = ["code", "name", "level", "parent"]
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True


class VillageResource(resources.ModelResource):
    code = fields.Field(attribute="code", column_name=CODE)
    name = fields.Field(attribute="name", column_name=NAME)
    kind = fields.Field(attribute="kind", column_name="kind")
    town = fields.Field(attribute="town", column_name=PARENT, widget=RegionByCode())

    class Meta:
        model = Village
        import_id_fields = ["code"]
        fields = ["code", "name", "kind", "town", *TEXT_COLUMNS.values(), *COUNT_COLUMNS.values()]
        skip_unchanged = True
        report_skipped = True
        use_bulk = True
        batch_size = 2000
        instance_loader_class = CachedInstanceLoader
        store_instance = True

    def __init__(self):
        super().__init__()
        for header, attribute in {**TEXT_COLUMNS, **COUNT_COLUMNS}.items():
            self.fields[attribute].column_name = header


@dataclass
class ImportSummary:
    regions: dict = field(default_factory=dict)
    villages: dict = field(default_factory=dict)
    rows: list = field(default_factory=list)

    @property
    def total(self):
        return len(self.rows)


def _as_count(value, row_number, header, problems):
    if value in (None, ""):
        return 0
    if isinstance(value, bool) or not (
        isinstance(value, int)
        or (isinstance(value, float) and value.is_integer())
        or (isinstance(value, str) and value.isascii() and value.isdigit())
    ):
        problems.append(f"第{row_number}行“{header}”列应为不小于 0 的整数，现为“{value}”。")
        return None
    number = int(value)
    if number < 0:
        problems.append(f"第{row_number}行“{header}”列不能为负数。")
    return number


def _validate(dataset):
    """Every row-level problem of the sheet, in Chinese, before anything is written."""
    problems = []
    existing = dict(Region.objects.values_list("code", "level"))
    sheet_levels = {}
    first_row_of = {}
    rows = []
    for values, row_number in zip(dataset.dict, dataset.row_numbers, strict=True):
        code = str(values[CODE] or "").strip()
        kind = str(values[KIND] or "").strip()
        name = str(values[NAME] or "").strip()
        parent = str(values[PARENT] or "").strip()
        if not (code.isascii() and code.isdigit()):
            problems.append(f"第{row_number}行“{CODE}”列应为数字代码，现为“{code}”。")
        elif code in first_row_of:
            problems.append(f"第{row_number}行“{CODE}”列的 {code} 与第{first_row_of[code]}行重复。")
        else:
            first_row_of[code] = row_number
        if not name:
            problems.append(f"第{row_number}行“{NAME}”列不能为空。")
        if kind not in LEVEL_OF_KIND and kind not in VILLAGE_KIND:
            problems.append(
                f"第{row_number}行“{KIND}”列应为 省、市、县(市、区)、乡镇(街道)、村 或 社区，"
                f"现为“{kind}”。"
            )
        elif kind in LEVEL_OF_KIND:
            sheet_levels[code] = LEVEL_OF_KIND[kind]
        elif len(code) != 12:
            problems.append(f"第{row_number}行村(社区)的“{CODE}”应为 12 位。")
        counts = {
            attribute: _as_count(values[header], row_number, header, problems)
            for header, attribute in COUNT_COLUMNS.items()
        }
        rows.append((row_number, code, name, kind, parent, values, counts))
    levels = {**existing, **sheet_levels}
    for row_number, _code, _name, kind, parent, _values, _counts in rows:
        if kind in VILLAGE_KIND:
            allowed = {Region.Level.TOWN}
        elif kind in LEVEL_OF_KIND:
            allowed = ALLOWED_PARENTS[LEVEL_OF_KIND[kind]]
        else:
            continue
        if not allowed:
            if parent:
                problems.append(f"第{row_number}行：省级区划不应填写“{PARENT}”。")
            continue
        if not parent:
            problems.append(f"第{row_number}行“{PARENT}”列不能为空。")
        elif parent not in levels:
            problems.append(
                f"第{row_number}行“{PARENT}”列的 {parent} 既不在系统中，也不在本表中，"
                f"请先导入该上级区划或更正代码。"
            )
        elif levels[parent] not in allowed:
            problems.append(
                f"第{row_number}行“{PARENT}”列的 {parent} 是"
                f"{Region.Level(levels[parent]).label}，不能作为{kind}的上级。"
            )
    if problems:
        raise SheetRefused(problems)
    return rows


def _datasets(rows):
    regions = tablib.Dataset(headers=[CODE, NAME, "level", PARENT])
    villages = tablib.Dataset(headers=[CODE, NAME, "kind", PARENT, *TEXT_COLUMNS, *COUNT_COLUMNS])
    region_rows, village_rows = [], []
    ordered = sorted(
        (row for row in rows if row[3] in LEVEL_OF_KIND),
        key=lambda row: LEVEL_ORDER.index(LEVEL_OF_KIND[row[3]]),
    )
    for row_number, code, name, kind, parent, _values, _counts in ordered:
        regions.append([code, name, LEVEL_OF_KIND[kind], parent or None])
        region_rows.append(row_number)
    for row_number, code, name, kind, parent, values, counts in rows:
        if kind in VILLAGE_KIND:
            villages.append(
                [code, name, VILLAGE_KIND[kind], parent]
                + [str(values[header] or "") for header in TEXT_COLUMNS]
                + [counts[attribute] for attribute in COUNT_COLUMNS.values()]
            )
            village_rows.append(row_number)
    return regions, region_rows, villages, village_rows


def _refusals(result, row_numbers):
    problems = []
    for index, errors in result.row_errors():
        for error in errors:
            problems.append(f"第{row_numbers[index - 1]}行：{error.error}")
    for invalid in result.invalid_rows:
        for column, messages in invalid.error_dict.items():
            problems.append(
                f"第{row_numbers[invalid.number - 1]}行“{column}”：{'；'.join(messages)}"
            )
    return problems


def _tally(result, row_numbers, label, summary_rows):
    counts = {"新增": 0, "更新": 0, "无变化": 0}
    names = {"new": "新增", "update": "更新", "skip": "无变化"}
    for index, row in enumerate(result.rows):
        action = names.get(row.import_type)
        if action:
            counts[action] += 1
            summary_rows.append((row_numbers[index], label, action, row.object_id))
    return counts


def import_villages(*, actor, upload, dry_run, source=""):
    """Import the sheet; with dry_run, report what would happen and change nothing."""
    if not is_administrator(actor):
        raise NotPermitted("只有系统管理员可以导入行政区划和村(社区)。")
    dataset = read_table(upload, HEADERS)
    rows = _validate(dataset)
    regions, region_rows, villages, village_rows = _datasets(rows)
    summary = ImportSummary()
    with transaction.atomic():
        region_result = RegionResource().import_data(regions, use_transactions=False)
        problems = _refusals(region_result, region_rows)
        if problems:
            transaction.set_rollback(True)
            raise SheetRefused(problems)
        village_result = VillageResource().import_data(villages, use_transactions=False)
        problems = _refusals(village_result, village_rows)
        if problems:
            transaction.set_rollback(True)
            raise SheetRefused(problems)
        summary.regions = _tally(region_result, region_rows, "区划", summary.rows)
        summary.villages = _tally(village_result, village_rows, "村(社区)", summary.rows)
        if dry_run:
            transaction.set_rollback(True)
        else:
            _record_events(actor, region_result, village_result, source)
    summary.rows.sort()
    return summary


def _record_events(actor, region_result, result, source):
    reason = f"批量导入{('：' + source) if source else ''}"
    kinds = {"new": VillageEvent.Kind.CREATED, "update": VillageEvent.Kind.PROFILE_CHANGED}
    changed = {
        row.instance.code: kinds[row.import_type] for row in result.rows if row.import_type in kinds
    }
    record_village_events(
        [
            VillageEvent(
                village=village,
                kind=changed[village.code],
                actor=actor,
                to_value=f"{village.code} {village.name}",
                reason=reason,
            )
            for village in Village.objects.filter(code__in=list(changed)).select_related("town")
        ],
        batch_size=2000,
    )
    regions = {
        str(row.object_id): row.import_type
        for row in region_result.rows
        if row.import_type in kinds
    }
    record_many(
        action="region.imported",
        actor=actor,
        changes=[
            (region, None, {"import": regions[str(region.pk)], "name": region.name})
            for region in Region.objects.filter(pk__in=list(regions))
        ],
    )


def export_rows(villages):
    """Rows in the import layout, so an export re-imports unchanged."""
    for village in villages:
        yield [
            village.code,
            village.name,
            village.get_kind_display(),
            village.town.code,
            *(getattr(village, attribute) for attribute in TEXT_COLUMNS.values()),
            *(getattr(village, attribute) for attribute in COUNT_COLUMNS.values()),
        ]
