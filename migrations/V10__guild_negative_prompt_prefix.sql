-- /admin settings (issue 8): a negative-prompt prefix the guild prepends to every member's negative prompt.
ALTER TABLE guild_settings ADD COLUMN negative_prompt_prefix text NOT NULL DEFAULT ''
    CHECK (length(negative_prompt_prefix) <= 500);
-- The guild's default model lives in generation_defaults.model (guild row, channel 0), where /imagine reads
-- it; this second copy was never read.
ALTER TABLE guild_settings DROP COLUMN default_model;
