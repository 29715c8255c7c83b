"""Permission rows for accounts, the audit trail and data-protection rights.

Account pages (security, two-factor) are for staff; password reset is for anyone (signed in or not: Django's own
views). A pupil's history is for the SENCO and leaders; the school's audit log for leaders; a pupil's data export,
deletion and the retention list for the SENCO and the admin; the school's security settings for leaders and the
admin. Another school's SENCO gets a 404 for this school's pupils.
"""

from __future__ import annotations

from . import ACTORS, STAFF, Case, only

OTHER_SCHOOL = {"other_senco": 404}
EVERYONE = ACTORS

CASES: dict[str, Case] = {
    "password_reset": Case(allowed=EVERYONE, anonymous=200),
    "password_reset_done": Case(allowed=EVERYONE, anonymous=200),
    # A valid link: Django keeps the token in the session and redirects to the form without it in the address.
    # Signing in as the link's own user changes their last sign-in time, which the token covers: the link no
    # longer works for them and the page says so (200).
    "password_reset_confirm": Case(
        allowed=EVERYONE, ok=302, anonymous=302, args="reset_link", overrides={"senco": 200}
    ),
    "password_reset_complete": Case(allowed=EVERYONE, anonymous=200),
    "account_security": Case(allowed=STAFF + ["other_senco"]),
    "sign_out_everywhere": Case(allowed=STAFF + ["parent", "other_senco"], ok=302, method="post"),
    "two_factor_setup": Case(allowed=STAFF + ["other_senco"]),
    # With no device there is no code to type: straight on to the home page.
    "two_factor_verify": Case(allowed=STAFF + ["parent", "other_senco"], ok=302),
    "two_factor_remove": Case(allowed=STAFF + ["other_senco"], ok=302, method="post"),
    "pupils:history": Case(allowed=only("senco", "leader"), args="pupil", overrides=OTHER_SCHOOL),
    "pupils:delete": Case(allowed=only("senco", "admin"), args="pupil", overrides=OTHER_SCHOOL),
    "reports:pupil_data_export": Case(allowed=only("senco", "admin"), args="pupil", overrides=OTHER_SCHOOL),
    "reports:retention": Case(allowed=only("senco", "admin", "other_senco")),
    # The world's pupil is on roll: erasing is refused with a message, and the page comes back.
    "reports:retention_erase": Case(
        allowed=only("senco", "admin"), ok=302, method="post", args="pupil", overrides=OTHER_SCHOOL
    ),
    "provision:school_settings": Case(allowed=only("leader", "admin")),
    "provision:audit_log": Case(allowed=only("leader")),
}


def _reset_link(world) -> list:
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = world.users["senco"]
    return [urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)]


ARGS = {
    "reset_link": _reset_link,
}
