from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from .seed_demo import DEMO_AUTHENTICATOR, EDITOR_USERNAME


class Command(BaseCommand):
    help = "Print the demo editor's current sign-in code (development only), for `make run` without a phone."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("demo_code works only with DEBUG=1: it is for the demo magazine.")
        device = TOTPDevice.objects.filter(user__username=EDITOR_USERNAME, name=DEMO_AUTHENTICATOR).first()
        if device is None:
            raise CommandError(
                "No demo editor with an authenticator yet: run `make run` (or seed_demo) first."
            )
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        seconds = device.step - int(totp.time - device.t0) % device.step
        self.stdout.write(f"{totp.token():0{device.digits}d}  (valid for {seconds} more seconds)")
