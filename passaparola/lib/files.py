"""Stored files that follow the database: removed only once the change is committed."""

from functools import partial

from django.core.files.storage import Storage
from django.db import transaction


def file_delete_on_commit(storage: Storage, name: str) -> None:
    """Delete a stored file once the current transaction commits; a rollback keeps it."""
    if name:
        # Deleting at once would leave the row pointing at a missing file after a rollback.
        transaction.on_commit(partial(storage.delete, name))
