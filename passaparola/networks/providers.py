"""The networks we can post to for people, one subpackage each behind `base.Provider`."""

from passaparola.networks.base import Provider
from passaparola.networks.bluesky import BlueskyProvider
from passaparola.networks.linkedin import LinkedInProvider
from passaparola.networks.mastodon import MastodonProvider
from passaparola.networks.x import XProvider

PROVIDERS: dict[str, Provider] = {
    provider.network: provider
    for provider in [LinkedInProvider(), XProvider(), MastodonProvider(), BlueskyProvider()]
}


def provider_for(network: str) -> Provider | None:
    """Return the provider that posts to this network, or None when we only have share links."""
    return PROVIDERS.get(network)
