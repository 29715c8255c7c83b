"""Forms a parent fills in when accepting an invitation."""

from __future__ import annotations

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import SetPasswordMixin
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class NewAccountForm(SetPasswordMixin, forms.Form):
    """A new account's password, checked by the project's password validators against the new account."""

    password1, password2 = SetPasswordMixin.create_password_fields(
        label1=_("Choose a password"), label2=_("Type the same password again")
    )

    def __init__(self, *args, user: AbstractBaseUser, **kwargs) -> None:
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["password2"].help_text = _("So that we know it is right.")

    def clean(self) -> dict:
        self.validate_passwords()
        self.validate_password_for_user(self.user)
        return super().clean()


class ExistingAccountForm(forms.Form):
    """The password of the account the parent already has (children at another school of the trust)."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, request: HttpRequest, account: AbstractBaseUser, **kwargs) -> None:
        self.request = request
        self.account = account
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.account.is_active:
            raise forms.ValidationError(_("This account is switched off. Please contact the school."))
        user = authenticate(self.request, username=self.account.get_username(), password=password)
        if user is None:
            raise forms.ValidationError(_("That password is not right. Please try again."))
        self.authenticated_user = user
        return password


class ConfirmForm(forms.Form):
    """Already signed in to the invited account: nothing to type, one button."""
