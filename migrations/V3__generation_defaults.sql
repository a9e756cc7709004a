-- Defaults for /imagine per guild (channel_id 0) and per channel; NULL = inherit. The bot merges
-- channel over guild over its own defaults. max_pixels (width * height) is only read from the guild row.
CREATE TABLE generation_defaults (
    guild_id         bigint      NOT NULL,
    channel_id       bigint      NOT NULL DEFAULT 0,
    model            text,
    sampler          text,
    steps            int         CHECK (steps BETWEEN 1 AND 150),
    cfg_scale        double precision,
    width            int         CHECK (width > 0 AND width % 8 = 0),
    height           int         CHECK (height > 0 AND height % 8 = 0),
    negative_prompt  text,
    max_pixels       bigint      CHECK (max_pixels > 0),
    updated_at       timestamptz NOT NULL,
    PRIMARY KEY (guild_id, channel_id)
);
