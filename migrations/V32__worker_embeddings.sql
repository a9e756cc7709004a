-- issue 15: the textual-inversion embeddings each worker offers (for /imagine's autocomplete and the check before
-- queueing) and the family each is for, told from its vector widths (name -> "sd1", "sd2", "sdxl"; absent when its
-- width names no family), so the bot refuses an embedding made for another text encoder before queueing.
ALTER TABLE workers ADD COLUMN embeddings text[] NOT NULL DEFAULT '{}';
ALTER TABLE workers ADD COLUMN embedding_families jsonb NOT NULL DEFAULT '{}';
