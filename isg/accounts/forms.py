from typing import Any

from crispy_forms_gds.layout import Field
from django import forms
from django.contrib.auth.forms import AuthenticationForm

from isg.ui.forms import form_helper


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account is inactive. Ask your administrator.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.helper = form_helper(
            Field.text("username", field_width=20),
            Field.text("password", field_width=20),
            submit="Sign in",
        )

    def clean_username(self) -> str:
        # AuthenticationForm sets max_length without a validator: an overlong name would go
        # on to authenticate() and into django-axes' 255-character column (a 500).
        username = self.cleaned_data["username"]
        field = self.fields["username"]
        assert isinstance(field, forms.CharField) and field.max_length is not None
        if len(username) > field.max_length:
            raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")
        return username


class TokenForm(forms.Form):
    """A code from the authenticator app, or a recovery code."""

    token = forms.CharField(
        label="Code",
        max_length=20,
        error_messages={"required": "Enter the code", "max_length": "The code is too long"},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, label: str = "Code", hint: str = "", submit: str = "Continue",
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["token"].label = label
        self.fields["token"].help_text = hint
        # The template draws the <form>, with the `next` field and the CSRF token.
        self.helper = form_helper(
            Field.text("token", field_width=10), submit=submit, form_tag=False
        )

    def clean_token(self) -> str:
        return "".join(self.cleaned_data["token"].split())


class ConfirmPasswordForm(forms.Form):
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The template draws the <form>, with the `next` field and the CSRF token.
        self.helper = form_helper(
            Field.text("password", field_width=20), submit="Confirm", form_tag=False
        )
