import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from backups.archive import backup_restore, backup_write
from staff.models import AuditEvent, StaffSession
from tests.factories import make_article, make_editor
from tests.staff_login import authenticator_for

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
FIELDS = ["created_at", "kind", "username", "actor_name", "ip", "detail", "user__username"]


def test_a_backup_keeps_the_audit_log_and_the_factors_but_not_the_sessions(tmp_path, client):
    staff = make_editor(username="nodira")
    key = authenticator_for(staff).key
    client.force_login(staff)
    client.get("/admin/")
    AuditEvent.objects.create(kind=AuditEvent.Kind.SIGN_IN_FAILED, username="someone", ip="192.0.2.1")
    make_article()
    before = sorted(AuditEvent.objects.values_list(*FIELDS))
    assert len(before) >= 3 and StaffSession.objects.exists()
    archive = tmp_path / "site.tar.gz"
    backup_write(archive)

    ContentType.objects.clear_cache()
    call_command("flush", interactive=False, verbosity=0)
    backup_restore(archive)

    assert sorted(AuditEvent.objects.values_list(*FIELDS)) == before  # the restore itself logs nothing
    assert TOTPDevice.objects.get(user__username="nodira").key == key
    assert not StaffSession.objects.exists()
