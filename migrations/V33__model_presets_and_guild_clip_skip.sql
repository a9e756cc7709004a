-- The models' own defaults (NAME.yaml sidecars) as each worker reads them: model name -> ModelPreset.encode()
-- line, for /imagine to apply to the options a member leaves out and to refuse a model whose sidecar is invalid.
ALTER TABLE workers ADD COLUMN model_presets jsonb NOT NULL DEFAULT '{}';

-- A guild's (or channel's) default clip skip (A1111's CLIP_stop_at_last_layers); NULL = inherit.
ALTER TABLE generation_defaults ADD COLUMN clip_skip int CHECK (clip_skip BETWEEN 1 AND 12);
