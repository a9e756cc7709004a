-- issue 19: with several bot processes (SDBOT_SHARDS) each holds the guilds of its own shards; the console (in any
-- process) lists every guild the deployment serves from here. Each bot process replaces its rows on ready, on a guild
-- join or leave and on a heartbeat; rows whose heartbeat is old belong to a process that is gone and are not read.
CREATE TABLE bot_guilds (
    guild_id    bigint      NOT NULL,
    process_id  text        NOT NULL,
    name        text        NOT NULL,
    seen_at     timestamptz NOT NULL,
    PRIMARY KEY (guild_id, process_id)
);
CREATE INDEX bot_guilds_process_idx ON bot_guilds (process_id);
