"""Reliability and security tests (issue 7): faults, restarts, secrets, concurrency, soak."""
