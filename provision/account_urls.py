from django.contrib.auth import views as auth_views
from django.urls import path

from . import account_views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    # Password reset by email: Django's own views and tokens (one use, PASSWORD_RESET_TIMEOUT), our templates.
    path("password/reset/", account_views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("security/", account_views.security, name="account_security"),
    path("security/sign-out-everywhere/", account_views.sign_out_everywhere, name="sign_out_everywhere"),
    path("two-factor/set-up/", account_views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/", account_views.two_factor_verify, name="two_factor_verify"),
    path("two-factor/remove/", account_views.two_factor_remove, name="two_factor_remove"),
]
