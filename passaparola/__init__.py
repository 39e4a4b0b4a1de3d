"""Passaparola: self-hosted employee advocacy."""
