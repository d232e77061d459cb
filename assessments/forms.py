from django import forms

from assessments.evidence import ACCEPTED_LABELS
from assessments.models import Campaign, Criterion, PublicityRecord, Standard
from assessments.verdict import COMPARATORS
from villages.models import Region

EVIDENCE_ACCEPT = "image/*,.pdf,.doc,.docx,.xls,.xlsx"
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = [
            "town",
            "year",
            "standard",
            "self_assessment_due",
            "town_assessment_due",
            "city_review_due",
            "recommendation_due",
        ]
        widgets = {
            "self_assessment_due": DATE_INPUT,
            "town_assessment_due": DATE_INPUT,
            "city_review_due": DATE_INPUT,
            "recommendation_due": DATE_INPUT,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        towns = Region.objects.filter(level=Region.Level.TOWN).order_by("code")
        self.fields["town"].queryset = towns.filter(
            pk__in=[t.pk for t in towns if user.has_perm("assessments.create_campaign", t)]
        )
        self.fields["standard"].queryset = Standard.objects.filter(
            kind=Standard.Kind.SAFE_VILLAGE
        ).order_by("code", "-version")


class PlanForm(forms.Form):
    plan_text = forms.CharField(
        label="创建方案",
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="可直接填写，也可上传方案文件，二者至少其一。",
    )
    plan_file = forms.FileField(
        label="创建方案文件",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": EVIDENCE_ACCEPT}),
        help_text=f"可上传{ACCEPTED_LABELS}。",
    )
    outreach_text = forms.CharField(
        label="向小区、湾组、网格、家庭延伸情况",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


YES_NO_UNSET = [("", "请选择")]


def plain_number(value):
    """A decimal as people write it: 8 rather than 8.00, 2.5 rather than 2.50."""
    if value is None:
        return ""
    return format(value.normalize(), "f")


class AnswerForm(forms.Form):
    """One criterion's answer; the fields follow the criterion's kind."""

    def __init__(self, *args, criterion, **kwargs):
        super().__init__(*args, **kwargs)
        self.criterion = criterion
        kind = criterion.kind
        if kind == Criterion.Kind.VETO:
            self.fields["veto_occurred"] = forms.TypedChoiceField(
                label="考评期内是否发生",
                choices=[("false", "未发生"), ("true", "已发生")],
                coerce=lambda value: value == "true",
                widget=forms.RadioSelect,
                required=False,
                empty_value=None,
            )
            narrative_label = "已发生的，请说明案事件情况"
        elif kind == Criterion.Kind.REQUIREMENT:
            self.fields["met"] = forms.TypedChoiceField(
                label="自评结果",
                choices=[("true", "达标"), ("false", "未达标")],
                coerce=lambda value: value == "true",
                widget=forms.RadioSelect,
                required=False,
                empty_value=None,
            )
            narrative_label = "情况说明"
        elif kind == Criterion.Kind.THRESHOLD:
            self.fields["value"] = forms.DecimalField(
                label=f"实际数量({criterion.unit})" if criterion.unit else "实际数量",
                required=False,
                min_value=0,
                decimal_places=2,
                help_text=f"要求{COMPARATORS[criterion.comparator][0]}"
                f"{plain_number(criterion.bound)}{criterion.unit}；达不到要求的，本条目不达标。",
                widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
            )
            narrative_label = "情况说明"
        else:
            self.fields["score"] = forms.DecimalField(
                label=f"自评得分(满分 {criterion.max_score:g} 分)",
                required=False,
                min_value=0,
                max_value=criterion.max_score,
                decimal_places=2,
                widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
            )
            narrative_label = "情况说明"
        self.fields["narrative"] = forms.CharField(
            label=narrative_label, required=False, widget=forms.Textarea(attrs={"rows": 4})
        )
        # Browsers that restore form fields on reload or back would bring back the version
        # the page was first rendered with, older than the one its own saves made.
        self.fields["base_version"] = forms.IntegerField(
            required=False, min_value=0, widget=forms.HiddenInput(attrs={"autocomplete": "off"})
        )


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label="上传佐证材料",
        widget=forms.ClearableFileInput(attrs={"accept": EVIDENCE_ACCEPT}),
        help_text=f"可直接拍照上传；支持{ACCEPTED_LABELS}。",
    )
    covers_from = forms.DateField(
        label="所涉期间(起)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="材料记录的是哪段时间的工作，如巡逻台账的月份；照片的拍摄时间自动读取。",
    )
    covers_until = forms.DateField(
        label="所涉期间(止)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, grids=(), **kwargs):
        super().__init__(*args, **kwargs)
        if grids:
            self.fields["grid"] = forms.TypedChoiceField(
                label="所属网格",
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", "不属于某个网格")]
                + [(grid.pk, f"{grid.name}({grid.households}户)") for grid in grids],
                help_text="材料来自哪个网格，用于统计创建工作覆盖了多少网格。",
            )


class AssignForm(forms.Form):
    """The secretary hands items (or whole groups) to a member of the team, with a due date."""

    criteria = forms.TypedMultipleChoiceField(
        label="交办的条目",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请勾选要交办的条目。"},
        help_text="勾选一个分组即交办其下全部条目。",
    )
    assignee = forms.TypedChoiceField(
        label="责任人", coerce=int, error_messages={"required": "请选择责任人。"}
    )
    due_on = forms.DateField(
        label="完成期限",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "请填写完成期限。", "invalid": "请填写正确的日期。"},
    )

    def __init__(self, *args, criteria, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria"].choices = [
            (c.pk, f"{c.label} {c.title}" + ("(整组)" if not c.is_judged else "")) for c in criteria
        ]
        self.fields["assignee"].choices = [("", "请选择")] + [
            (m.user_id, f"{m.user.display_name}({m.post})" if m.post else m.user.display_name)
            for m in team
        ]


class ReturnForm(forms.Form):
    general_reason = forms.CharField(
        label="整体意见", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criterion_fields = []
        for criterion in criteria:
            if criterion.is_judged:
                name = f"criterion_{criterion.pk}"
                self.fields[name] = forms.CharField(
                    label=f"{criterion.label} {criterion.title}",
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
                self.criterion_fields.append((criterion.pk, name))

    def comments(self):
        return {pk: self.cleaned_data.get(name, "") for pk, name in self.criterion_fields}


class ExtendDeadlineForm(forms.Form):
    due_date = forms.DateField(label="新的截止日期", widget=DATE_INPUT)
    reason = forms.CharField(label="延期原因", widget=forms.Textarea(attrs={"rows": 2}))


class FindingForm(forms.Form):
    """The town's finding on one criterion, shown beside the village's answer."""

    def __init__(self, *args, criterion, agree_label="同意自评", **kwargs):
        super().__init__(*args, **kwargs)
        self.criterion = criterion
        self.fields["agrees"] = forms.TypedChoiceField(
            label="结论",
            choices=[("true", agree_label), ("false", "不同意，核定为")],
            coerce=lambda value: value == "true",
            widget=forms.RadioSelect,
            required=False,
            empty_value=None,
        )
        kind = criterion.kind
        if kind == Criterion.Kind.VETO:
            self.fields["veto_occurred"] = forms.TypedChoiceField(
                label="核定",
                choices=[("", "—"), ("false", "未发生"), ("true", "已发生")],
                coerce=lambda value: value == "true",
                required=False,
                empty_value=None,
            )
        elif kind == Criterion.Kind.REQUIREMENT:
            self.fields["met"] = forms.TypedChoiceField(
                label="核定",
                choices=[("", "—"), ("true", "达标"), ("false", "未达标")],
                coerce=lambda value: value == "true",
                required=False,
                empty_value=None,
            )
        elif kind == Criterion.Kind.THRESHOLD:
            self.fields["value"] = forms.DecimalField(
                label=f"核定数量({criterion.unit})", required=False, min_value=0, decimal_places=2
            )
        else:
            self.fields["score"] = forms.DecimalField(
                label="核定得分", required=False, min_value=0, decimal_places=2
            )
        self.fields["comment"] = forms.CharField(
            label="意见", required=False, widget=forms.Textarea(attrs={"rows": 2})
        )

    def finding(self):
        """The cleaned finding for the service, or None when the row was left empty."""
        data = dict(self.cleaned_data)
        if data.get("agrees") is None:
            return None
        return {"criterion_id": self.criterion.pk, **data}


class PassListForm(forms.Form):
    document_number = forms.CharField(
        label="发文字号",
        max_length=40,
        help_text="机关代字〔年份〕序号，如“××发〔2026〕3号”；年份用六角括号〔〕。",
    )
    title = forms.CharField(label="标题", max_length=200)
    body = forms.CharField(
        label="正文",
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="第一行以“：”结尾的作为主送机关；每行为一段。",
    )
    issuer = forms.CharField(label="发文机关", max_length=100)
    issued_on = forms.DateField(label="成文日期", widget=DATE_INPUT)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", widget=forms.Textarea(attrs={"rows": 2}))


class ApprovalForm(forms.Form):
    reason = forms.CharField(
        label="审定意见(可选)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class InspectionForm(forms.Form):
    village = forms.ModelChoiceField(label="村(社区)", queryset=None)
    inspected_on = forms.DateField(label="检查日期", widget=DATE_INPUT)
    inspectors = forms.CharField(label="检查人员", max_length=200)
    summary = forms.CharField(
        label="检查情况", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages


class InspectionFindingForm(forms.Form):
    """One criterion checked during an inspection; unchecked rows are left blank."""

    result = forms.ChoiceField(
        label="检查结果",
        choices=[("", "未检查"), ("met", "达标"), ("not_met", "未达标")],
        required=False,
    )
    comment = forms.CharField(label="存在问题/检查意见", required=False)
    deadline = forms.DateField(label="整改期限", required=False, widget=DATE_INPUT)

    def __init__(self, *args, criterion, **kwargs):
        super().__init__(*args, **kwargs)
        self.criterion = criterion

    def finding(self):
        result = self.cleaned_data.get("result")
        if not result:
            return None
        return {
            "criterion_id": self.criterion.pk,
            "met": result == "met",
            "comment": self.cleaned_data.get("comment", ""),
            "deadline": self.cleaned_data.get("deadline"),
        }


class RectificationReportForm(forms.Form):
    report = forms.CharField(label="整改情况", widget=forms.Textarea(attrs={"rows": 5}))
    files = forms.FileField(
        label="整改佐证材料",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": EVIDENCE_ACCEPT}),
        help_text=f"可直接拍照上传；支持{ACCEPTED_LABELS}。",
    )


class ReopenRectificationForm(forms.Form):
    reason = forms.CharField(label="不通过原因", widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.DateField(label="新的整改期限", widget=DATE_INPUT)


class BulletinForm(forms.Form):
    document_number = PassListForm.base_fields["document_number"]
    title = forms.CharField(label="标题", max_length=200)
    body = forms.CharField(
        label="正文",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="第一行以“：”结尾的作为主送机关；每行为一段。",
    )
    issuer = forms.CharField(label="发文机关", max_length=100)
    issued_on = forms.DateField(label="成文日期", widget=DATE_INPUT)
    villages = forms.ModelMultipleChoiceField(
        label="被通报的村(社区)", queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["villages"].queryset = villages


class SampleForm(forms.Form):
    ratio = forms.DecimalField(
        label="抽查比例(%)",
        min_value=0,
        max_value=100,
        decimal_places=1,
        help_text="如 30 即抽查达标名单的 30%，不足 1 个按 1 个计。",
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
    )
    minimum_count = forms.IntegerField(label="最少抽查数", min_value=0)
    seed = forms.CharField(
        label="随机种子(可选)",
        required=False,
        max_length=64,
        help_text="留空由系统生成；也可填写公开的数(如当日彩票开奖号码)，便于各方验证。",
    )
    forced = forms.CharField(
        label="必抽村(社区)(可选)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行一个：统计用区划代码 空格 原因，如“429006104203 群众反映较多”。",
    )
    reason = forms.CharField(
        label="重新抽取原因",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="仅重新抽取时填写，原抽查结果将留档。",
    )

    def clean_forced(self):
        forced = {}
        for number, line in enumerate(self.cleaned_data["forced"].splitlines(), start=1):
            if not line.strip():
                continue
            code, _, reason = line.strip().partition(" ")
            if not code.isdigit() or len(code) != 12:
                raise forms.ValidationError(f"第{number}行：统计用区划代码应为 12 位数字。")
            forced[code] = reason.strip()
        return forced

    def clean_ratio(self):
        return self.cleaned_data["ratio"] / 100


class RecommendationForm(forms.Form):
    document_number = PassListForm.base_fields["document_number"]
    title = forms.CharField(label="标题", max_length=200)
    body = forms.CharField(label="正文", widget=forms.Textarea(attrs={"rows": 6}))
    issuer = forms.CharField(label="发文机关", max_length=100)
    issued_on = forms.DateField(label="成文日期", widget=DATE_INPUT)


class IncidentForm(forms.Form):
    village = forms.ModelChoiceField(label="村(社区)", queryset=None)
    category = forms.ModelChoiceField(label="类别", queryset=None)
    occurred_on = forms.DateField(label="发生日期", widget=DATE_INPUT)
    description = forms.CharField(label="简要案情", widget=forms.Textarea(attrs={"rows": 3}))
    case_number = forms.CharField(label="案件编号或来源", required=False, max_length=100)

    def __init__(self, *args, villages, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages
        self.fields["category"].queryset = categories
        self.fields["category"].label_from_instance = lambda category: (
            f"{category.group.name}：{category.name}"
            + ("" if category.disqualifying else "(不撤销称号)")
        )


class TitleReviewForm(forms.Form):
    keep = forms.TypedChoiceField(
        label="复核结论",
        choices=[("true", "保留命名"), ("false", "取消命名")],
        coerce=lambda value: value == "true",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label="复核意见", widget=forms.Textarea(attrs={"rows": 2}))


class NamingForm(forms.Form):
    document_number = PassListForm.base_fields["document_number"]
    issuer = forms.CharField(label="命名机关", max_length=100)
    named_on = forms.DateField(label="命名日期", widget=DATE_INPUT)


class PublicationForm(forms.Form):
    working_days = forms.TypedChoiceField(
        label="公示期",
        coerce=int,
        choices=[(5, "5个工作日"), (7, "7个工作日")],
        initial=5,
        help_text="从发布次日起按工作日计算，跳过法定节假日，调休上班日照常计入。",
    )
    contact = forms.CharField(
        label="受理异议的单位和电话", max_length=120, help_text="如“××镇平安办 0728-0000000”。"
    )


class ObjectionForm(forms.Form):
    village = forms.TypedChoiceField(label="对哪个村(社区)有异议", coerce=int)
    matter = forms.CharField(
        label="异议内容",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="请写明具体事实，如发生的时间、地点和经过，便于核实。",
        strip=False,
    )
    name = forms.CharField(label="您的姓名", max_length=50)
    phone = forms.CharField(
        label="联系电话",
        max_length=11,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text="仅用于核实和答复，不会公开。",
    )
    photo = forms.FileField(
        label="照片(可不附)",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [("", "请选择")] + [
            (entry.village_id, entry.village_name) for entry in entries
        ]


class ObjectionAnswerForm(forms.Form):
    found_true = forms.TypedChoiceField(
        label="核实结论",
        coerce=lambda value: value == "true",
        choices=[("true", "核实属实(移出名单)"), ("false", "核实不属实")],
        widget=forms.RadioSelect,
    )
    inquiry = forms.CharField(
        label="核实情况",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="如何核实、查明的事实。",
    )
    answer = forms.CharField(
        label="答复理由", widget=forms.Textarea(attrs={"rows": 3}), help_text="告知异议人的答复。"
    )


class PublicityForm(forms.Form):
    held_on = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label="形式", choices=[("", "请选择"), *PublicityRecord.Kind.choices])
    summary = forms.CharField(
        label="内容",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="如宣传主题、走访户数、巡逻路线，报道的标题。",
    )
    participants = forms.IntegerField(label="参与人数", min_value=0, required=False)
    outlet = forms.CharField(
        label="媒体名称", max_length=60, required=False, help_text="媒体报道必填，如“湖北日报”。"
    )
    link = forms.CharField(label="报道链接", max_length=500, required=False)
    photo = forms.FileField(
        label="照片或剪报照片",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )


class PracticeForm(forms.Form):
    title = forms.CharField(label="标题", max_length=80)
    problem = forms.CharField(label="面对的问题", widget=forms.Textarea(attrs={"rows": 3}))
    action = forms.CharField(label="主要做法", widget=forms.Textarea(attrs={"rows": 6}))
    result = forms.CharField(label="取得的成效", widget=forms.Textarea(attrs={"rows": 3}))
    photo = forms.FileField(
        label="照片(可不附)",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
