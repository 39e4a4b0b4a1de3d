"""Mastodon: per-server app registration, OAuth code flow, statuses with an Idempotency-Key."""

from passaparola.networks.mastodon.transport import MastodonProvider, server_url

__all__ = ["MastodonProvider", "server_url"]
