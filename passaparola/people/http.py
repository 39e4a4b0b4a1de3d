"""Typing help for views behind login_required."""

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from passaparola.people.models import Person


class AuthedRequest(HttpRequest):
    """A request whose user is a logged-in person."""

    user: "Person"
