"""What the audit log learns from signals: sign-ins, failures, lockouts, role and factor changes, and the
editorial writes that ops.audit tells."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django_otp import device_classes

from guards.lockout import lockout_started
from ops.audit import audited

from .audit import Kind, audit_record
from .services import factor_changed
from .sessions import current_session_key, session_forget, session_track, sessions_end
from .twofactor import device_kind, second_factor_required

ROLE_FIELDS = ("is_staff", "is_superuser", "is_active")


def signed_in(sender, request, user, **kwargs):
    if user.is_staff or user.is_superuser:
        session_track(request, user)
    if not second_factor_required(user):  # otherwise the sign-in is complete only after the second factor
        audit_record(Kind.SIGN_IN, user=user, detail="password", request=request)


def signed_out(sender, request, user, **kwargs):
    if user is not None and request is not None:
        session_forget(request.session.session_key)
        audit_record(Kind.SIGN_OUT, user=user, request=request)


def sign_in_failed(sender, credentials, request=None, **kwargs):
    audit_record(
        Kind.SIGN_IN_FAILED,
        username=credentials.get("username", ""),
        detail="wrong password",
        request=request,
    )


def lockout(sender, kind, request, username, **kwargs):
    detail = "this address is locked" if kind == "ip" else "this account is locked"
    audit_record(Kind.LOCKOUT, username=username or "", detail=detail, request=request)


def editorial_write(sender, kind, by, detail, **kwargs):
    """An editorial write told through ops.audit (the apps that may not import staff)."""
    audit_record(Kind(kind), actor=by, detail=detail)


def user_before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    """Keep the stored role flags and password hash, to compare after the save."""
    instance._staff_raw = raw
    watched = {"password", *ROLE_FIELDS}
    if raw or instance.pk is None or (update_fields is not None and not watched & set(update_fields)):
        instance._staff_before = None
        return
    instance._staff_before = sender.objects.filter(pk=instance.pk).values("password", *ROLE_FIELDS).first()


def user_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    if created:
        roles = [field for field in ("is_staff", "is_superuser") if getattr(instance, field)]
        if roles:
            audit_record(Kind.ROLE_CHANGED, user=instance, detail="created with " + ", ".join(roles))
        return
    before = getattr(instance, "_staff_before", None)
    if not before:
        return
    changes = [
        f"{field} {'on' if getattr(instance, field) else 'off'}"
        for field in ROLE_FIELDS
        if before[field] != getattr(instance, field)
    ]
    if changes:
        audit_record(Kind.ROLE_CHANGED, user=instance, detail=", ".join(changes))
    if before["password"] != instance.password:
        audit_record(Kind.PASSWORD_CHANGED, user=instance)
        sessions_end(instance, keep=current_session_key())


def memberships_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """Groups or permissions given to or taken from a user, or the permissions of a whole group."""
    if action not in {"post_add", "post_remove", "pre_clear"} or getattr(instance, "_staff_raw", False):
        return  # loaddata (a restore) sets the relations of rows it saved raw: nothing changed
    if action == "pre_clear":
        pk_set = _related_pks(sender, instance, model)
    sign = "+" if action == "post_add" else "-"
    if not pk_set:
        return
    User = get_user_model()
    if isinstance(instance, User):
        names = ", ".join(sign + str(obj) for obj in model.objects.filter(pk__in=pk_set))
        label = "groups" if sender is User.groups.through else "permissions"
        audit_record(Kind.ROLE_CHANGED, user=instance, detail=f"{label}: {names}")
    elif model is User:  # users added to or removed from a group
        for user in User.objects.filter(pk__in=pk_set):
            audit_record(Kind.ROLE_CHANGED, user=user, detail=f"groups: {sign}{instance}")
    else:  # a group's permissions: the role of every member changes
        names = ", ".join(sign + str(obj) for obj in model.objects.filter(pk__in=pk_set))
        audit_record(Kind.ROLE_CHANGED, username=f"group {instance}"[:150], detail=f"permissions: {names}")


def _related_pks(through, instance, model):
    links = [field for field in through._meta.get_fields() if field.many_to_one]
    own = next(field for field in links if isinstance(instance, field.related_model))
    other = next(field for field in links if field.related_model is model)
    return set(through.objects.filter(**{own.name: instance}).values_list(other.attname, flat=True))


def mark_raw(sender, instance, raw=False, **kwargs):
    instance._staff_raw = raw


def device_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw and instance.confirmed:
        factor_changed(user=instance.user, kind=Kind.FACTOR_ADDED, detail=device_kind(instance))


def device_deleted(sender, instance, **kwargs):
    factor_changed(user=instance.user, kind=Kind.FACTOR_REMOVED, detail=device_kind(instance))


def connect():
    User = get_user_model()
    user_logged_in.connect(signed_in, dispatch_uid="staff-signed-in")
    user_logged_out.connect(signed_out, dispatch_uid="staff-signed-out")
    user_login_failed.connect(sign_in_failed, dispatch_uid="staff-sign-in-failed")
    lockout_started.connect(lockout, dispatch_uid="staff-lockout")
    audited.connect(editorial_write, dispatch_uid="staff-editorial-write")
    pre_save.connect(user_before_save, sender=User, dispatch_uid="staff-user-before")
    post_save.connect(user_saved, sender=User, dispatch_uid="staff-user-saved")
    pre_save.connect(mark_raw, sender=Group, dispatch_uid="staff-group-before")
    for through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(memberships_changed, sender=through, dispatch_uid=f"staff-m2m-{through.__name__}")
    for model in device_classes():
        post_save.connect(device_saved, sender=model, dispatch_uid=f"staff-device-saved-{model.__name__}")
        post_delete.connect(
            device_deleted, sender=model, dispatch_uid=f"staff-device-deleted-{model.__name__}"
        )
