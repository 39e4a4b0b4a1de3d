"""A pytest plugin (loaded with -p) that sets test defaults before Django reads its settings."""

import os
import tempfile

# Background jobs run inline, static files come from the finders, and every run gets its own
# data folder so the suite never touches a developer's embedded database.
os.environ.setdefault("HUEY_IMMEDIATE", "true")
os.environ.setdefault("STATIC_MANIFEST", "false")
os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="passaparola-test-"))
os.environ.setdefault("SITE_URL", "http://testserver")
