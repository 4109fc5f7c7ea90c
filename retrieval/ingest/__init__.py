"""Reading and cleaning: corpus files -> clean documents with metadata, paragraphs, sections, sentences."""
