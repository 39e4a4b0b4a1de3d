from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from passaparola.people.models import Person
from passaparola.people.services import login_code_check


class EmailBackend(ModelBackend):
    """Authenticate by email address, whatever its case."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Person | None:
        email = (kwargs.get("email") or username or "").strip().lower()
        if not email or password is None:
            return None
        person = Person.objects.filter(email__iexact=email).first()
        if person is None:
            # Spend the same time as a real check so response times do not reveal accounts.
            Person().set_password(password)
            return None
        if person.check_password(password) and self.user_can_authenticate(person):
            return person
        return None


class LoginCodeBackend(ModelBackend):
    """Authenticate with the one-time code emailed to the person (people.services)."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Person | None:
        email, code = kwargs.get("email"), kwargs.get("code")
        if not email or not code or password is not None:
            return None
        person = login_code_check(email=str(email), code=str(code))
        if person is not None and self.user_can_authenticate(person):
            return person
        return None
