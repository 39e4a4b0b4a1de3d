from django import template

from passaparola.insights.goals import GoalsProgress, goals_progress

register = template.Library()


@register.simple_tag
def programme_goals() -> GoalsProgress:
    """Return this month's progress against the programme's goals."""
    return goals_progress()
