"""Benchmarks of the control plane, side by side with the reference agent-control server.

``./dev bench`` (= ``python -m bench``) starts both servers on loopback ports against the same
PostgreSQL (separate databases), loads identical data through the HTTP API, checks both answer the
same, drives identical ``wrk`` workloads in alternating rounds, measures ORM-level costs, and writes
``bench/results/latest.md``. See ``bench/README.md``.
"""
