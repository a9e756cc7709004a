-- Job system reliability (issue 10).

-- Billing: a member is billed only for the attempt that produced their image. Failed, cancelled and lost
-- attempts stay in the ledger with their device time (operators see what the fleet spent) but billed = false,
-- and are not added to the member's usage counters.
ALTER TABLE usage_ledger ADD COLUMN billed boolean NOT NULL DEFAULT true;
UPDATE usage_ledger SET billed = false WHERE outcome <> 'SUCCEEDED';

-- The result poster reads the unposted results of the guilds its process serves, oldest first.
CREATE INDEX jobs_unposted_guild_idx ON jobs (guild_id, finished_at, id) WHERE state = 'SUCCEEDED';
DROP INDEX jobs_unposted_idx;

-- V4's jobs_queued_member_idx serves every read of the queue (dispatch window, positions, depth); the
-- age-ordered index of V1 was only written to.
DROP INDEX jobs_queued_idx;

-- When each member last had a job assigned. Within a fair-share round the member served longest ago goes
-- first: a member whose only running job just finished is back in round 1 with the newcomer, and without this
-- the older job (theirs) won every tie, so one busy member's backlog still went out before a newcomer's job.
CREATE TABLE member_turns (
    guild_id          bigint      NOT NULL,
    user_id           bigint      NOT NULL,
    last_assigned_at  timestamptz NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);

-- One scheduler node at a time dispatches and reaps: the holder of this lease, on the database's clock.
-- The others stand by and take over when it lapses (or at once when the holder hands it over).
CREATE TABLE scheduler_leader (
    id                int         PRIMARY KEY CHECK (id = 1),
    node              text        NOT NULL,
    lease_expires_at  timestamptz NOT NULL
);
