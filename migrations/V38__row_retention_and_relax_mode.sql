-- issue 19: retention for every table that grew forever. Each periodic delete reads an index of its own.

-- Job rows: finished jobs older than the job retention go (their results and ledger rows with them, the ledger
-- rolled up first); interaction tokens (secrets valid 15 minutes) are cleared a day after the job finished.
CREATE INDEX jobs_row_retention_idx ON jobs (finished_at) WHERE state NOT IN ('QUEUED', 'ASSIGNED', 'RUNNING');
CREATE INDEX jobs_token_scrub_idx ON jobs (finished_at) WHERE interaction_token IS NOT NULL;

-- The usage ledger, rolled up per guild, day, member, model and worker before its rows go: the totals, charts and
-- shares of /admin usage read usage_by_day (rows and roll-up alike) and stay the same across the cut.
CREATE TABLE usage_daily (
    guild_id   bigint NOT NULL,
    usage_day  date   NOT NULL,
    user_id    bigint NOT NULL,
    model      text   NOT NULL,
    worker_id  text   NOT NULL DEFAULT '',
    images     bigint NOT NULL,
    gpu_ms     bigint NOT NULL,
    attempts   bigint NOT NULL,
    PRIMARY KEY (guild_id, usage_day, user_id, model, worker_id)
);

CREATE VIEW usage_by_day AS
    SELECT l.guild_id, l.usage_day, l.user_id, j.model, l.worker_id, l.images::bigint AS images, l.gpu_ms,
           1::bigint AS attempts
    FROM usage_ledger l JOIN jobs j ON j.id = l.job_id
    UNION ALL
    SELECT d.guild_id, d.usage_day, d.user_id, d.model, NULLIF(d.worker_id, ''), d.images, d.gpu_ms, d.attempts
    FROM usage_daily d;

-- Moderation events (the audit trail) and the dispatcher's member turns, by age.
CREATE INDEX moderation_events_retention_idx ON moderation_events (created_at);
CREATE INDEX member_turns_retention_idx ON member_turns (last_assigned_at);

-- Deleting a job deletes its ledger rows (ON DELETE CASCADE) and unlinks its moderation events (SET NULL): both look
-- the job up by job_id, which had no index (a scan of the whole table per deleted job). The ledger roll-up finds the
-- rows of jobs about to go the same way.
CREATE INDEX usage_ledger_job_idx ON usage_ledger (job_id);
CREATE INDEX moderation_events_job_idx ON moderation_events (job_id) WHERE job_id IS NOT NULL;

-- Relax mode: where an admin turned it on (for the whole guild: role_id 0, or for members with a role), a member over
-- a daily quota is not refused; their job is queued at the lowest priority and runs only when nothing else waits.
CREATE TABLE relax_rules (
    guild_id    bigint      NOT NULL,
    role_id     bigint      NOT NULL,
    created_by  bigint      NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (guild_id, role_id)
);
