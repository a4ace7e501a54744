"""End-to-end tests: a real browser against `scripts/develop` (run by scripts/test-e2e)."""
