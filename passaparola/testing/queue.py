"""Seeing what goes through the Huey task queue (tasks still run inline in the tests)."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from huey.api import Task
from huey.contrib.djhuey import HUEY


@contextmanager
def enqueued_tasks(*, run: bool = True) -> Iterator[list[Task]]:
    """Record every task put on the queue, with the arguments it would be stored with.

    With `run=False` the tasks are only recorded, as if a worker had not picked them up yet:
    what the web request itself does can then be measured apart.
    """
    tasks: list[Task] = []
    enqueue = HUEY.enqueue

    def record(task: Task) -> Any:
        tasks.append(task)
        return enqueue(task) if run else None

    with mock.patch.object(HUEY, "enqueue", record):
        yield tasks


def queued_arguments(tasks: list[Task]) -> str:
    """Return everything the queue would store for these tasks, as one string to search."""
    return repr([(task.name, task.args, task.kwargs) for task in tasks])
