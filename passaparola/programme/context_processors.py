from django.http import HttpRequest

from passaparola.programme.selectors import programme_get


def programme(request: HttpRequest) -> dict[str, object]:
    """Put the programme's branding into every template."""
    return {"programme": programme_get()}
