"""Helpers shared by the ingestion and retrieval integration tests (fakes, a crash-test worker, checks)."""
