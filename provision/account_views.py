"""Account pages: security (two-factor, signing out everywhere), the two-factor code at sign-in, and password
reset by email (Django's own views, with the project's templates and the site address from ``SITE_URL``)."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import accounts
from .access import staff_required


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Six-digit code from your authenticator app",
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    # A path on this site only: not another site, nor a word redirect() would look up as a view's name.
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@staff_required
def security(request: HttpRequest) -> HttpResponse:
    """The signed-in member of staff's own security: two-factor sign-in and signing out everywhere."""
    device = accounts.confirmed_device(request.user)
    return render(
        request,
        "registration/security.html",
        {
            "device": device,
            "required": accounts.two_factor_required(request.memberships),
            "sessions": request.user.signed_in_sessions.exclude(session_key=request.session.session_key).count(),
            "idle_minutes": settings.STAFF_IDLE_MINUTES,
        },
    )


def _qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as a QR code, an SVG drawn here (nothing is fetched from elsewhere)."""
    buffer = io.BytesIO()
    segno.make(device.config_url, error="m").save(
        buffer, kind="svg", scale=5, border=2, xmldecl=False, omitsize=True, title="Two-factor set-up code"
    )
    return buffer.getvalue().decode()


@never_cache
@sensitive_post_parameters("code")
@staff_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator: scan the QR code (or type the key), then type the code it shows."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    form = CodeForm(request.POST or None)
    if request.method == "POST" and device is not None and form.is_valid():
        if accounts.device_confirm(request=request, device=device, code=form.cleaned_data["code"]):
            messages.success(request, "Two-factor sign-in is on. You will type a code from your app when you sign in.")
            return redirect(_safe_next(request, "account_security"))
        form.add_error("code", "That code is not right. Check the time on your phone and type the newest code.")
    if device is None:
        device = accounts.device_start(user=request.user)
    key = device.config_url.split("secret=")[1].split("&")[0]
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "qr": _qr_svg(device),
            "key": " ".join(key[i : i + 4] for i in range(0, len(key), 4)),
            "required": accounts.two_factor_required(request.memberships),
            "next": _safe_next(request, ""),
        },
    )


@never_cache
@sensitive_post_parameters("code")
@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: the code from the authenticator app."""
    if request.user.is_verified() or accounts.confirmed_device(request.user) is None:
        return redirect(_safe_next(request, settings.LOGIN_REDIRECT_URL))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if accounts.device_verify(request=request, code=form.cleaned_data["code"]):
            return redirect(_safe_next(request, settings.LOGIN_REDIRECT_URL))
        form.add_error(
            "code", "That code is not right, or too many wrong codes were typed: wait a moment and type the newest."
        )
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": _safe_next(request, "")})


@require_POST
@staff_required
def two_factor_remove(request: HttpRequest) -> HttpResponse:
    if accounts.two_factor_required(request.memberships):
        messages.error(request, "Your school requires two-factor sign-in for your role: it cannot be switched off.")
    else:
        accounts.device_remove(request=request)
        messages.success(request, "Two-factor sign-in is off.")
    return redirect("account_security")


@require_POST
@login_required
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    ended = accounts.sign_out_everywhere(user=request.user, keep=request.session.session_key)
    messages.success(
        request,
        f"Signed out on {ended} other device{'s' if ended != 1 else ''} and browser{'s' if ended != 1 else ''}.",
    )
    return redirect(_safe_next(request, "account_security"))


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset-by-email, with links that start with ``SITE_URL`` when it is set (behind a proxy the
    request's own address may be http:// or an internal name)."""

    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form):
        use_https = self.request.is_secure()
        domain = None
        if settings.SITE_URL:
            parts = urlsplit(settings.SITE_URL)
            domain, use_https = parts.netloc, parts.scheme == "https"
        form.save(
            domain_override=domain,
            use_https=use_https,
            token_generator=self.token_generator,
            from_email=self.from_email,
            email_template_name=self.email_template_name,
            subject_template_name=self.subject_template_name,
            request=self.request,
            html_email_template_name=self.html_email_template_name,
            extra_email_context=self.extra_email_context,
        )
        return HttpResponseRedirect(self.get_success_url())
