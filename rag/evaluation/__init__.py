"""Measuring the product (gold and SQuAD runs, reports, benchmarks); the runtime never imports it."""
