"""The social networks: share targets, limits, length counting, one subpackage per native network.

A leaf package: it knows HTTP and OAuth, never an app of ours (import-linter checks it).
"""
