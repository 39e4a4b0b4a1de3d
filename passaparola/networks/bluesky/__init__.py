"""Bluesky: app-password sessions, posts as app.bsky.feed.post records with facets and a card."""

from passaparola.networks.bluesky.transport import BlueskyProvider, facets_for, new_tid

__all__ = ["BlueskyProvider", "facets_for", "new_tid"]
