"""Core library of Trợ lý Kế hoạch: ingestion, retrieval, grounded answering."""
