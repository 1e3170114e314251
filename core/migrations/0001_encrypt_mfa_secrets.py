"""Encrypt the TOTP keys and recovery-code seeds stored before `portal.signin.MFAAdapter`
encrypted them (allauth keeps them in the clear by default). Idempotent: a value already
marked `fernet:` is left alone. Reversed, they are stored in the clear again, as the code
before this migration reads them."""
from django.db import migrations

PURPOSE = "fordra.mfa"
MARK = "fernet:"
FIELDS = {"totp": ["secret"], "recovery_codes": ["seed"]}


def _crypt(apps, change) -> None:
    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.filter(type__in=FIELDS).iterator():
        data = dict(authenticator.data)
        for field in FIELDS[authenticator.type]:
            if isinstance(data.get(field), str):
                data[field] = change(data[field])
        if isinstance(data.get("migrated_codes"), list):
            data["migrated_codes"] = [change(code) for code in data["migrated_codes"]]
        if data != authenticator.data:
            Authenticator.objects.filter(pk=authenticator.pk).update(data=data)


def encrypt_all(apps, schema_editor):
    from core.crypto import encrypt

    _crypt(apps, lambda text: text if text.startswith(MARK) else MARK + encrypt(text, purpose=PURPOSE))


def decrypt_all(apps, schema_editor):
    from core.crypto import decrypt

    _crypt(apps, lambda text: decrypt(text.removeprefix(MARK), purpose=PURPOSE) if text.startswith(MARK) else text)


class Migration(migrations.Migration):
    dependencies = [("mfa", "0003_authenticator_type_uniq")]
    operations = [migrations.RunPython(encrypt_all, decrypt_all)]
