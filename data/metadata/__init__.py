"""Run metadata: organizations, keys, audiences, runs, exports, idempotency records."""
