"""A village team loaded from one sheet by the administrator: every row checked before any
account is opened, then all opened in one transaction, each through the same service as the
secretary's page. The one-time passwords come back once, as a workbook to hand out."""

from dataclasses import dataclass

from django.db import transaction

from pingan.errors import ApplicationError, NotPermitted
from pingan.sheets import SheetRefused, read_table, write_table
from villages.models import User, Village
from villages.rules import is_administrator
from villages.services import MOBILE, add_team_member, save_grid

CODE, NAME, PHONE, POST, GRID, HOUSEHOLDS = (
    "村(社区)统计用区划代码",
    "姓名",
    "手机号码",
    "岗位",
    "网格",
    "网格户数",
)
HEADERS = [CODE, NAME, PHONE, POST, GRID, HOUSEHOLDS]
EXAMPLE = ["429006104203", "李网格", "13900001111", "网格员", "一网格", 120]
ACCOUNT_HEADERS = ["村(社区)", "姓名", "岗位", "登录用户名", "一次性密码(首次登录须修改)"]


@dataclass(frozen=True)
class TeamRow:
    number: int
    village: Village
    name: str
    phone: str
    post: str
    grid: str
    households: int


def _text(value):
    return str(value if value is not None else "").strip()


def _rows(dataset):
    villages = {
        village.code: village
        for village in Village.objects.filter(
            code__in={_text(values[CODE]) for values in dataset.dict}
        )
    }
    problems, rows, phones = [], [], {}
    for values, number in zip(dataset.dict, dataset.row_numbers, strict=True):
        code, name, phone = _text(values[CODE]), _text(values[NAME]), _text(values[PHONE])
        post, grid, households = _text(values[POST]), _text(values[GRID]), _text(values[HOUSEHOLDS])
        if code not in villages:
            problems.append(f"第{number}行“{CODE}”列的 {code} 不是系统中的村(社区)。")
        if not name:
            problems.append(f"第{number}行“{NAME}”列不能为空。")
        if not MOBILE.match(phone):
            problems.append(f"第{number}行“{PHONE}”列应为 11 位手机号，现为“{phone}”。")
        elif phone in phones:
            problems.append(f"第{number}行的手机号码 {phone} 与第{phones[phone]}行重复。")
        else:
            phones[phone] = number
        if not post:
            problems.append(f"第{number}行“{POST}”列不能为空。")
        if households and not (households.isascii() and households.isdigit()):
            problems.append(
                f"第{number}行“{HOUSEHOLDS}”列应为不小于 0 的整数，现为“{households}”。"
            )
        if code in villages:
            rows.append(
                TeamRow(number, villages[code], name, phone, post, grid, int(households or 0))
            )
    if problems:
        raise SheetRefused(problems)
    return rows


def import_team(*, actor, upload, dry_run):
    """Open the accounts of the sheet (with dry_run: check them and open none); returns the
    rows and, for real, the workbook of the one-time passwords."""
    if not is_administrator(actor):
        raise NotPermitted("只有系统管理员可以导入村(社区)工作人员。")
    rows = _rows(read_table(upload, HEADERS))
    accounts = []
    with transaction.atomic():
        for row in rows:
            try:
                membership, password = add_team_member(
                    actor=actor,
                    village_id=row.village.pk,
                    full_name=row.name,
                    phone=row.phone,
                    post=row.post,
                )
                if row.grid:
                    save_grid(
                        actor=actor,
                        village_id=row.village.pk,
                        name=row.grid,
                        households=row.households,
                        grid_worker_id=membership.user_id,
                    )
            except ApplicationError as refusal:
                transaction.set_rollback(True)
                raise SheetRefused([f"第{row.number}行：{refusal.message}"]) from None
            accounts.append(
                [
                    row.village.name,
                    row.name,
                    row.post,
                    row.phone,
                    password or "沿用原密码",
                ]
            )
        if dry_run:
            transaction.set_rollback(True)
            return rows, None
    return rows, write_table("工作人员账号", ACCOUNT_HEADERS, accounts)


def existing_accounts(rows):
    """The phone numbers of the sheet that already sign in."""
    return set(
        User.objects.filter(username__in=[row.phone for row in rows]).values_list(
            "username", flat=True
        )
    )
