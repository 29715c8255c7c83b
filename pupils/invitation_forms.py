"""The form a SENCO or school admin uses to invite a parent or carer."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .invitations import MAX_EMAIL_LENGTH


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=MAX_EMAIL_LENGTH,
        help_text=_("The link is sent here. Check it with the parent or carer if you are not sure."),
    )
