"""Cross-cutting suites: fault matrix, secrets canary, dialects, concurrency, restarts, soak."""
