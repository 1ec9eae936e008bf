"""Where passages live: embedding, the FAISS segment store, BM25, Milvus."""
