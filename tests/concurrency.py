"""Requests released at once from threads of the test process (PostgreSQL only: real concurrent
transactions and connections).

``at_once(count, call)`` runs ``call(index)`` in ``count`` threads that all start together and
returns the results in index order; each thread closes its database connections afterwards (what
a server's ``request_finished`` does, and the test client leaves out), so they go back to the pool.
``postgres_concurrency(reason)`` is the module's ``pytestmark``.
"""

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections


def postgres_concurrency(reason: str) -> list:
    """Marks of a module of concurrency tests: PostgreSQL only, real transactions."""
    return [
        pytest.mark.postgres_only,
        pytest.mark.skipif(connection.vendor != "postgresql", reason=reason),
        pytest.mark.django_db(transaction=True),
    ]


def at_once[T](count: int, call: Callable[[int], T]) -> list[T]:
    """``[call(0), ..., call(count - 1)]``, each in its own thread, all released together."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def worker(index: int) -> None:
        try:
            barrier.wait()
            results[index] = call(index)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
