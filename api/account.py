"""我的令牌: a person's API tokens, made, listed and revoked by their owner in the pages."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from api.models import password_stamp
from api.tokens import issue_token, revoke_all_tokens, revoke_token, tokens_of
from pingan.errors import ApplicationError


class TokenForm(forms.Form):
    name = forms.CharField(
        label="用途",
        max_length=60,
        required=False,
        help_text="如“市综治中心系统”，便于日后辨认和撤销。",
    )


def _rows(user):
    now = timezone.now()
    stamp = password_stamp(user)
    rows = []
    for token in tokens_of(user):
        if token.password_stamp != stamp:
            state = "密码已更改，已失效"
        elif token.expiry is not None and token.expiry <= now:
            state = "已过期"
        else:
            state = "有效"
        rows.append((token, state))
    return rows


@never_cache
@login_required
def token_list(request):
    """The owner's tokens; a new token's key is shown on this answer only, never again."""
    form = TokenForm(request.POST or None)
    issued_key = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                _, issued_key = issue_token(actor=request.user, **form.cleaned_data)
            except ApplicationError as error:
                form.add_error(None, error.message)
        if form.errors:
            status = 400
    return render(
        request,
        "api/token_list.html",
        {
            "rows": _rows(request.user),
            "form": form,
            "issued_key": issued_key,
            "days": settings.API_TOKEN_DAYS,
        },
        status=status,
    )


@login_required
@require_POST
def token_revoke(request, digest):
    revoke_token(actor=request.user, digest=digest)
    messages.success(request, "令牌已撤销，使用它的系统将无法再访问。")
    return redirect("token_list")


@login_required
@require_POST
def token_revoke_all(request):
    count = revoke_all_tokens(actor=request.user)
    messages.success(request, f"已撤销全部 {count} 个令牌。")
    return redirect("token_list")
