"""Training the shipped reader (SQuAD data, the loop, synthetic heads); the runtime never imports it."""
