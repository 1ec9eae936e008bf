"""Files to text and passages: format extractors, the documents folder, uploads, chunking."""
