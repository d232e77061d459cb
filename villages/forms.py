from django import forms


class TeamMemberForm(forms.Form):
    full_name = forms.CharField(label="姓名", max_length=50)
    phone = forms.CharField(
        label="手机号码",
        max_length=11,
        help_text="作为登录用户名；开设账号时生成一次性密码，首次登录须修改。",
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    post = forms.CharField(
        label="岗位",
        max_length=30,
        help_text="如村两委委员、网格员、辅警、治保调解主任、法律顾问、志愿者队伍负责人。",
        widget=forms.TextInput(attrs={"list": "posts"}),
    )


class GridForm(forms.Form):
    name = forms.CharField(label="网格名称", max_length=40)
    households = forms.IntegerField(label="户数", min_value=0)
    grid_worker = forms.TypedChoiceField(
        label="网格员", required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid_worker"].choices = [("", "暂未指定")] + [
            (m.user_id, m.user.display_name) for m in team
        ]
