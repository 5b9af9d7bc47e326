"""Two-factor authentication in tests: a TOTP device with a known key, and current codes."""

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

# A fixed key, so that browser tests can type a current code (RFC 6238's test key).
KNOWN_TOTP_KEY = "3132333435363738393031323334353637383930"


def give_totp_device(user, key: str = KNOWN_TOTP_KEY) -> TOTPDevice:
    """The user's confirmed authenticator-app device, created with the known key if need be."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test app", key=key, confirmed=True)
    return device


def current_code(device: TOTPDevice) -> str:
    """The code the app would show now. Forgets the last code used, so it can be reused."""
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return str(code).zfill(device.digits)
