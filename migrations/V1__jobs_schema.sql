-- sdbot schema: jobs, results, workers, guild policy, quotas, usage and moderation.
-- Discord snowflakes are bigint; 0 means "none" (e.g. jobs submitted from the CLI have guild 0).

CREATE TABLE jobs (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    state              text        NOT NULL CHECK (state IN ('QUEUED', 'ASSIGNED', 'RUNNING', 'SUCCEEDED',
                                                             'POSTED', 'CANCELLED', 'FAILED', 'BLOCKED')),
    -- request parameters
    prompt             text        NOT NULL,
    negative_prompt    text        NOT NULL DEFAULT '',
    model              text        NOT NULL,
    sampler            text        NOT NULL,
    steps              int         NOT NULL CHECK (steps BETWEEN 1 AND 150),
    cfg_scale          double precision NOT NULL,
    width              int         NOT NULL CHECK (width > 0 AND width % 8 = 0),
    height             int         NOT NULL CHECK (height > 0 AND height % 8 = 0),
    seed               bigint,
    image_count        int         NOT NULL CHECK (image_count BETWEEN 1 AND 4),
    strength           double precision NOT NULL DEFAULT 0.75,
    clip_skip          int         NOT NULL DEFAULT 1,
    init_image         bytea,
    mask_image         bytea,
    extra              jsonb       NOT NULL DEFAULT '{}',
    -- scheduling
    priority           int         NOT NULL DEFAULT 0,
    attempt            int         NOT NULL DEFAULT 0,
    max_attempts       int         NOT NULL DEFAULT 3,
    worker_id          text,
    lease_expires_at   timestamptz,
    progress_step      int         NOT NULL DEFAULT 0,
    progress_total     int         NOT NULL DEFAULT 0,
    preview_png        bytea,
    error              text,
    -- origin
    guild_id           bigint      NOT NULL DEFAULT 0,
    channel_id         bigint      NOT NULL DEFAULT 0,
    user_id            bigint      NOT NULL DEFAULT 0,
    interaction_id     bigint      NOT NULL DEFAULT 0,
    interaction_token  text,
    token_expires_at   timestamptz,
    posted_message_id  bigint,
    -- timestamps of every transition
    created_at         timestamptz NOT NULL,
    assigned_at        timestamptz,
    started_at         timestamptz,
    finished_at        timestamptz,
    posted_at          timestamptz,
    updated_at         timestamptz NOT NULL
);

CREATE INDEX jobs_queued_idx ON jobs (created_at, id) WHERE state = 'QUEUED';
CREATE INDEX jobs_active_worker_idx ON jobs (worker_id) WHERE state IN ('ASSIGNED', 'RUNNING');
CREATE INDEX jobs_lease_idx ON jobs (lease_expires_at) WHERE state IN ('ASSIGNED', 'RUNNING');
CREATE INDEX jobs_unposted_idx ON jobs (finished_at, id) WHERE state = 'SUCCEEDED';
CREATE INDEX jobs_user_idx ON jobs (user_id, created_at DESC);
CREATE INDEX jobs_guild_user_active_idx ON jobs (guild_id, user_id) WHERE state IN ('QUEUED', 'ASSIGNED', 'RUNNING');

-- Every state change is announced as "<job id>:<state>[:<worker id>]" so that the dispatcher,
-- the workers and the bot wake up at once instead of polling.
CREATE FUNCTION sdbot_notify_job_state() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.state IS DISTINCT FROM OLD.state THEN
        PERFORM pg_notify('sdbot_job_events', NEW.id || ':' || NEW.state || COALESCE(':' || NEW.worker_id, ''));
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER jobs_state_notify AFTER INSERT OR UPDATE OF state ON jobs
    FOR EACH ROW EXECUTE FUNCTION sdbot_notify_job_state();

-- Progress has its own channel: the bot edits progress messages, the dispatcher does not care.
CREATE FUNCTION sdbot_notify_job_progress() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.progress_step IS DISTINCT FROM OLD.progress_step THEN
        PERFORM pg_notify('sdbot_job_progress', NEW.id || ':' || NEW.progress_step || '/' || NEW.progress_total);
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER jobs_progress_notify AFTER UPDATE OF progress_step ON jobs
    FOR EACH ROW EXECUTE FUNCTION sdbot_notify_job_progress();

CREATE TABLE job_results (
    job_id       bigint      NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    image_index  int         NOT NULL,
    attempt      int         NOT NULL,
    png          bytea,
    seed         bigint      NOT NULL,
    nsfw         boolean     NOT NULL,
    nsfw_scores  real[]      NOT NULL DEFAULT '{}',
    gpu_ms       bigint      NOT NULL,
    created_at   timestamptz NOT NULL,
    purged_at    timestamptz,
    PRIMARY KEY (job_id, image_index)
);

CREATE INDEX job_results_retention_idx ON job_results (created_at) WHERE png IS NOT NULL;

CREATE TABLE workers (
    id                   text        PRIMARY KEY,
    host                 text        NOT NULL,
    devices              text        NOT NULL,
    models               text[]      NOT NULL DEFAULT '{}',
    loaded_models        text[]      NOT NULL DEFAULT '{}',
    slots                int         NOT NULL CHECK (slots > 0),
    pixel_budget         bigint      NOT NULL CHECK (pixel_budget > 0),
    started_at           timestamptz NOT NULL,
    heartbeat_at         timestamptz NOT NULL,
    stopped_at           timestamptz,
    consecutive_failures int         NOT NULL DEFAULT 0,
    quarantined_at       timestamptz,
    quarantine_reason    text
);

CREATE TABLE guild_settings (
    guild_id            bigint      PRIMARY KEY,
    nsfw_policy         text        NOT NULL DEFAULT 'BLOCK' CHECK (nsfw_policy IN ('POST', 'SPOILER', 'BLUR', 'BLOCK')),
    mod_log_channel_id  bigint,
    default_model       text,
    max_steps           int,
    max_images          int,
    updated_at          timestamptz NOT NULL
);

CREATE TABLE filter_rules (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    guild_id    bigint      NOT NULL,
    kind        text        NOT NULL CHECK (kind IN ('WORD', 'REGEX')),
    pattern     text        NOT NULL,
    action      text        NOT NULL DEFAULT 'BLOCK' CHECK (action IN ('BLOCK', 'WARN')),
    created_by  bigint      NOT NULL,
    created_at  timestamptz NOT NULL,
    UNIQUE (guild_id, kind, pattern)
);

CREATE TABLE quota_rules (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    guild_id             bigint      NOT NULL,
    scope                text        NOT NULL CHECK (scope IN ('GUILD_DEFAULT', 'ROLE', 'USER')),
    subject_id           bigint      NOT NULL DEFAULT 0,
    images_per_day       int         CHECK (images_per_day >= 0),
    gpu_seconds_per_day  int         CHECK (gpu_seconds_per_day >= 0),
    updated_at           timestamptz NOT NULL,
    UNIQUE (guild_id, scope, subject_id)
);

-- Append-only record of what every finished job consumed.
CREATE TABLE usage_ledger (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id       bigint      NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    attempt      int         NOT NULL,
    guild_id     bigint      NOT NULL,
    user_id      bigint      NOT NULL,
    worker_id    text,
    outcome      text        NOT NULL,
    images       int         NOT NULL,
    gpu_ms       bigint      NOT NULL,
    usage_day    date        NOT NULL,
    recorded_at  timestamptz NOT NULL
);

CREATE INDEX usage_ledger_day_idx ON usage_ledger (usage_day, guild_id, user_id);
CREATE INDEX usage_ledger_worker_idx ON usage_ledger (worker_id, recorded_at);

-- Today's totals per user, kept next to the ledger so the quota check at submit is one row read.
-- Rows of past days are removed by the daily reset job.
CREATE TABLE usage_counters (
    guild_id    bigint NOT NULL,
    user_id     bigint NOT NULL,
    usage_day   date   NOT NULL,
    images      int    NOT NULL DEFAULT 0,
    gpu_ms      bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, user_id, usage_day)
);

CREATE TABLE moderation_events (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    guild_id      bigint      NOT NULL,
    job_id        bigint      REFERENCES jobs (id) ON DELETE SET NULL,
    user_id       bigint      NOT NULL,
    moderator_id  bigint,
    kind          text        NOT NULL,
    reason        text        NOT NULL,
    details       jsonb       NOT NULL DEFAULT '{}',
    created_at    timestamptz NOT NULL
);

CREATE INDEX moderation_events_guild_idx ON moderation_events (guild_id, created_at DESC);
