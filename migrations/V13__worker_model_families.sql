-- Workers announce the family of each of their models (issue 11): {"model name": "sd1" | "sd2" | "sdxl"}.
-- /imagine picks each model's default size and validates sizes by family (SDXL: its ~1 megapixel buckets).
ALTER TABLE workers ADD COLUMN model_families jsonb NOT NULL DEFAULT '{}'::jsonb;
