from django.http import HttpRequest

from passaparola.people.access import can_edit_content, can_manage_programme, can_view_insights


def permissions(request: HttpRequest) -> dict[str, bool]:
    """Tell templates which parts of the navigation this person may use."""
    user = request.user
    if not user.is_authenticated:
        return {}
    return {
        "perms_view_insights": can_view_insights(user),
        "perms_edit_content": can_edit_content(user),
        "perms_manage_programme": can_manage_programme(user),
    }
