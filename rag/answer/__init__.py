"""From retrieved passages to an answer: the answerers, the reader, citations, abstention."""
