"""Seeing what goes through the Huey task queue (tasks still run inline in the tests)."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from huey.api import Task
from huey.contrib.djhuey import HUEY


@contextmanager
def enqueued_tasks() -> Iterator[list[Task]]:
    """Record every task put on the queue, with the arguments it would be stored with."""
    tasks: list[Task] = []
    enqueue = HUEY.enqueue

    def record(task: Task) -> Any:
        tasks.append(task)
        return enqueue(task)

    with mock.patch.object(HUEY, "enqueue", record):
        yield tasks


def queued_arguments(tasks: list[Task]) -> str:
    """Return everything the queue would store for these tasks, as one string to search."""
    return repr([(task.name, task.args, task.kwargs) for task in tasks])
