"""What the insights count, one name per figure (see `models.DailyFigure` for each meaning)."""

from dataclasses import dataclass, fields

Key = tuple[int, int | None, str]  # person, post, network


@dataclass
class Figures:
    shares: int = 0
    human_clicks: int = 0
    unique_visitors: int = 0
    bot_visits: int = 0
    leads: int = 0
    actions: int = 0
    points: int = 0


MEASURES = tuple(f.name for f in fields(Figures))
