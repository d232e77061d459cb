from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q


class StateEvent(models.Model):
    """The record every state change leaves: who, when, from what, to what, and why."""

    actor = models.ForeignKey(
        "villages.User", verbose_name="操作人", on_delete=models.PROTECT, related_name="+"
    )
    occurred_at = models.DateTimeField("时间", auto_now_add=True)
    from_status = models.CharField("变更前", max_length=20, blank=True)
    to_status = models.CharField("变更后", max_length=20, blank=True)
    reason = models.TextField("原因", blank=True)

    class Meta:
        abstract = True
        ordering = ["-occurred_at", "-id"]


class User(AbstractUser):
    full_name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("手机号码", max_length=20, blank=True)
    password_must_change = models.BooleanField(
        "须修改密码",
        default=False,
        help_text="以一次性密码开设的账号，首次登录后须先修改密码。",
    )

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self):
        return self.full_name or self.username

    @property
    def display_name(self):
        return self.full_name or self.get_full_name() or self.username


class RegionManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Region(models.Model):
    """A node of the administrative tree above the village: province, city, county or town."""

    class Level(models.TextChoices):
        PROVINCE = "province", "省"
        CITY = "city", "市"
        COUNTY = "county", "县(市、区)"
        TOWN = "town", "乡镇(街道)"

    code = models.CharField(
        "区划代码",
        max_length=12,
        unique=True,
        validators=[RegexValidator(r"^\d{2,12}$", "区划代码须为 2 至 12 位数字。")],
    )
    name = models.CharField("名称", max_length=60)
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    # Materialised path of codes ("42/429006/429006104/"): "everything under this region"
    # becomes one indexed prefix filter, whatever the depth of the tree.
    path = models.CharField("路径", max_length=255, editable=False, db_index=True)

    objects = RegionManager()

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["path"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        old_path = self.path
        self.path = self.compute_path()
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            for child in self.children.all():
                child.save()

    def natural_key(self):
        return (self.code,)

    def compute_path(self):
        prefix = self.parent.path if self.parent_id else ""
        return f"{prefix}{self.code}/"

    def is_within(self, other):
        return self.path.startswith(other.path)

    @property
    def path_codes(self):
        """The codes of the regions from the top down to this one, this one last."""
        return [code for code in self.path.split("/") if code]


class VillageManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Village(models.Model):
    """A 行政村 or 社区, with the profile the creation standard asks about."""

    class Kind(models.TextChoices):
        VILLAGE = "village", "村"
        COMMUNITY = "community", "社区"

    code = models.CharField(
        "统计用区划代码",
        max_length=12,
        unique=True,
        validators=[RegexValidator(r"^\d{12}$", "村(社区)统计用区划代码须为 12 位数字。")],
    )
    name = models.CharField("名称", max_length=60)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices, default=Kind.VILLAGE)
    town = models.ForeignKey(
        Region,
        verbose_name="所属乡镇(街道)",
        on_delete=models.PROTECT,
        related_name="villages",
        limit_choices_to={"level": Region.Level.TOWN},
    )
    is_active = models.BooleanField("参与创建", default=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name="已并入",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
    )

    secretary_name = models.CharField("党组织书记姓名", max_length=50, blank=True)
    secretary_phone = models.CharField("书记联系电话", max_length=20, blank=True)
    grid_count = models.PositiveIntegerField("网格数", default=0)
    camera_count = models.PositiveIntegerField(
        "接入镇综治中心的公共区域高清探头数", default=0, validators=[MinValueValidator(0)]
    )
    grid_worker_count = models.PositiveIntegerField("网格员人数", default=0)
    auxiliary_police_count = models.PositiveIntegerField("辅警人数", default=0)
    legal_adviser_count = models.PositiveIntegerField("法律顾问人数", default=0)
    mediation_director_count = models.PositiveIntegerField("治保调解主任人数", default=0)
    patrol_team_size = models.PositiveIntegerField("治安巡逻队人数", default=0)

    objects = VillageManager()

    class Meta:
        verbose_name = "村(社区)"
        verbose_name_plural = "村(社区)"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | Q(is_active=False),
                name="village_merged_is_inactive",
                violation_error_message="已并入其他村(社区)的单位不能再参与创建。",
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


NUMERIC_PROFILE_FIELDS = (
    "camera_count",
    "grid_count",
    "grid_worker_count",
    "auxiliary_police_count",
    "legal_adviser_count",
    "mediation_director_count",
    "patrol_team_size",
)


def numeric_profile_choices():
    """The village profile's counts, offered as sources that pre-fill a threshold answer."""
    return [(name, Village._meta.get_field(name).verbose_name) for name in NUMERIC_PROFILE_FIELDS]


class VillageEvent(models.Model):
    """One recorded change of a village: who, when, from what, to what, why."""

    class Kind(models.TextChoices):
        CREATED = "created", "新增"
        RENAMED = "renamed", "更名"
        MERGED = "merged", "合并"
        ACTIVATED = "activated", "恢复参与创建"
        DEACTIVATED = "deactivated", "停止参与创建"
        PROFILE_CHANGED = "profile_changed", "基本情况变更"

    village = models.ForeignKey(
        Village, verbose_name="村(社区)", on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField("变更类型", max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        User, verbose_name="操作人", on_delete=models.PROTECT, related_name="village_events"
    )
    occurred_at = models.DateTimeField("时间", auto_now_add=True)
    from_value = models.TextField("变更前", blank=True)
    to_value = models.TextField("变更后", blank=True)
    reason = models.TextField("原因", blank=True)

    class Meta:
        verbose_name = "村(社区)变更记录"
        verbose_name_plural = "村(社区)变更记录"
        ordering = ["-occurred_at", "-id"]

    def __str__(self):
        return f"{self.village} {self.get_kind_display()}"


class Membership(models.Model):
    """A role a user holds at one place of the tree."""

    class Role(models.TextChoices):
        SECRETARY = "secretary", "村(社区)党组织书记"
        VILLAGE_STAFF = "village_staff", "村(社区)工作人员"
        TOWN_OFFICE = "town_office", "镇平安办"
        TOWN_LEADING_GROUP = "town_leading_group", "镇平安建设领导小组"
        CITY_OFFICE = "city_office", "市委平安办"
        PROVINCE_OFFICE = "province_office", "省委平安办"
        ADMINISTRATOR = "administrator", "系统管理员"

    REGION_LEVEL_OF_ROLE = {
        Role.TOWN_OFFICE: Region.Level.TOWN,
        Role.TOWN_LEADING_GROUP: Region.Level.TOWN,
        Role.CITY_OFFICE: Region.Level.CITY,
        Role.PROVINCE_OFFICE: Region.Level.PROVINCE,
    }

    user = models.ForeignKey(
        User, verbose_name="用户", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField("角色", max_length=24, choices=Role.choices)
    region = models.ForeignKey(
        Region,
        verbose_name="所在区划",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
    )
    village = models.ForeignKey(
        Village,
        verbose_name="所在村(社区)",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
    )
    post = models.CharField(
        "岗位",
        max_length=30,
        blank=True,
        help_text="村(社区)工作人员的岗位，如网格员、辅警、治保调解主任、法律顾问。",
    )
    is_active = models.BooleanField("有效", default=True)

    class Meta:
        verbose_name = "角色任职"
        verbose_name_plural = "角色任职"
        ordering = ["user", "role"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        role__in=["secretary", "village_staff"],
                        village__isnull=False,
                        region__isnull=True,
                    )
                    | Q(role="administrator", village__isnull=True, region__isnull=True)
                    | (
                        ~Q(role__in=["secretary", "village_staff", "administrator"])
                        & Q(village__isnull=True, region__isnull=False)
                    )
                ),
                name="membership_place_fits_role",
                violation_error_message="村(社区)书记和工作人员须指定村(社区)；镇、市、省角色须指定区划；系统管理员不指定地点。",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "region", "village"], name="membership_unique"
            ),
        ]

    def __str__(self):
        return f"{self.place_name} {self.get_role_display()}".strip()

    @property
    def place_name(self):
        if self.village_id:
            return self.village.name
        if self.region_id:
            return self.region.name
        return ""

    def clean(self):
        expected_level = self.REGION_LEVEL_OF_ROLE.get(self.role)
        if expected_level and self.region_id and self.region.level != expected_level:
            raise ValidationError(
                {
                    "region": f"{self.get_role_display()}须任职于"
                    f"{Region.Level(expected_level).label}级区划。"
                }
            )


class Grid(models.Model):
    """A 网格 of a village: the unit its 网格员 looks after, household by household."""

    village = models.ForeignKey(
        Village, verbose_name="村(社区)", on_delete=models.PROTECT, related_name="grids"
    )
    name = models.CharField("网格名称", max_length=40)
    grid_worker = models.ForeignKey(
        User,
        verbose_name="网格员",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grids",
    )
    households = models.PositiveIntegerField("户数", default=0)
    is_active = models.BooleanField("在用", default=True)

    class Meta:
        verbose_name = "网格"
        verbose_name_plural = "网格"
        ordering = ["village", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["village", "name"], name="grid_name_once_a_village"),
        ]

    def __str__(self):
        return f"{self.village.name}{self.name}" if self.village_id else self.name


class IssuingBodyManager(models.Manager):
    def get_by_natural_key(self, region_code, full_name):
        return self.get(region__code=region_code, full_name=full_name)


class IssuingBody(models.Model):
    """An office that issues official documents (发文机关): its full name as signed, its mark
    at the head of a red-header document, its 机关代字 in document numbers and the office
    that prints for it, editable as names and offices change."""

    region = models.ForeignKey(
        Region, verbose_name="所在区划", on_delete=models.PROTECT, related_name="issuing_bodies"
    )
    full_name = models.CharField("发文机关全称", max_length=60)
    mark = models.CharField(
        "发文机关标志",
        max_length=60,
        help_text="红头上的机关名称，如“中共汪场镇委员会文件”；过长时印制时压缩字宽，不折行。",
    )
    number_code = models.CharField(
        "机关代字", max_length=20, blank=True, help_text="发文字号中的机关代字，如“汪发”。"
    )
    printer = models.CharField(
        "印发机关", max_length=60, blank=True, help_text="版记中的印发机关，一般为办公室。"
    )
    signer = models.CharField(
        "签发人", max_length=20, blank=True, help_text="上行文须标注签发人姓名。"
    )

    objects = IssuingBodyManager()

    class Meta:
        verbose_name = "发文机关"
        verbose_name_plural = "发文机关"
        ordering = ["region__path", "id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "full_name"], name="issuing_body_once"),
        ]

    def __str__(self):
        return self.full_name

    def natural_key(self):
        return (self.region.code, self.full_name)

    natural_key.dependencies = ["villages.region"]
