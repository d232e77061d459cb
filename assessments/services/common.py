"""What every write of the campaign shares: permission checks, moving an object along its
transition table with its event row, input parsing, and files removed when a write fails."""

from contextlib import contextmanager
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

from villages.errors import InvalidInput, InvalidTransition, NotPermitted


def require(actor, permission, message):
    if not actor.has_perm(permission):
        raise NotPermitted(message)


def require_object(actor, permission, obj, message):
    if not actor.has_perm(permission, obj):
        raise NotPermitted(message)


def full_clean(instance, exclude=None):
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as error:
        raise InvalidInput("；".join(error.messages)) from None


def record_event(event_model, subject, actor, previous, reason="", **fields):
    """The who/when/from/to/why row of a change of `subject`, which already holds its new state."""
    return event_model.objects.create(
        **{event_model.subject_field: subject},
        actor=actor,
        from_status=previous,
        to_status=subject.status,
        reason=reason,
        **fields,
    )


def move_state(subject, target, event_model, *, actor, refusal, reason="", **fields):
    """Move `subject` along its model's transition table and record the move, or refuse."""
    if target not in type(subject).TRANSITIONS[subject.status]:
        raise InvalidTransition(refusal)
    previous = subject.status
    subject.status = target
    return record_event(event_model, subject, actor, previous, reason, **fields)


@contextmanager
def files_removed_on_failure():
    """Files written during a write that then fails are removed with the rolled-back rows."""
    written = []
    try:
        yield written
    except BaseException:
        for name in written:
            if name:
                default_storage.delete(name)
        raise


def plain_text(raw, label):
    """Free text as typed, trimmed; a NUL character (which no form sends, and PostgreSQL cannot
    store) is refused."""
    if "\x00" in raw:
        raise InvalidInput(f"{label}含有无法保存的控制字符，请删除后重新填写。")
    return raw.strip()


def decimal_input(raw, label):
    if raw in (None, ""):
        return None
    try:
        number = Decimal(str(raw).strip())
    except InvalidOperation:
        raise InvalidInput(f"{label}须填写数字。") from None
    if not number.is_finite() or number < 0 or number >= Decimal("100000000"):
        raise InvalidInput(f"{label}须为不小于 0 的数字。")
    return number.quantize(Decimal("0.01"))
