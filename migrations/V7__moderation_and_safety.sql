-- Moderation, safety and admin settings (issue 8).

-- Safety verdict per image: CLEAN, FLAGGED (the checker's scores are kept) or UNCHECKED (no checker ran).
-- Unchecked is never treated as clean. Rows stored before this migration had no such distinction; a
-- "not flagged" image of that time may never have been checked, so only flagged rows keep their verdict.
ALTER TABLE job_results ADD COLUMN safety text NOT NULL DEFAULT 'UNCHECKED'
    CHECK (safety IN ('CLEAN', 'FLAGGED', 'UNCHECKED'));
UPDATE job_results SET safety = 'FLAGGED' WHERE nsfw;
ALTER TABLE job_results DROP COLUMN nsfw;
ALTER TABLE job_results ALTER COLUMN safety DROP DEFAULT;

-- Workers announce which of their models have no safety checker (shown by /help and /admin settings).
ALTER TABLE workers ADD COLUMN unchecked_models text[] NOT NULL DEFAULT '{}';

-- Guild policy. nsfw_policy: what happens to a flagged (or, unless allowed, unchecked) image;
-- ALLOW only takes effect in age-restricted channels (elsewhere it acts as BLOCK).
ALTER TABLE guild_settings DROP CONSTRAINT guild_settings_nsfw_policy_check;
UPDATE guild_settings SET nsfw_policy = 'ALLOW' WHERE nsfw_policy = 'POST';
ALTER TABLE guild_settings ADD CONSTRAINT guild_settings_nsfw_policy_check
    CHECK (nsfw_policy IN ('BLOCK', 'BLUR', 'SPOILER', 'ALLOW'));
ALTER TABLE guild_settings
    -- added to every concept score before the verdict: > 0 stricter, < 0 more lenient
    ADD COLUMN nsfw_threshold_shift real NOT NULL DEFAULT 0 CHECK (nsfw_threshold_shift BETWEEN -1 AND 1),
    -- unchecked images are handled like flagged ones unless the admins allow them
    ADD COLUMN allow_unchecked boolean NOT NULL DEFAULT false,
    ADD COLUMN previews_enabled boolean NOT NULL DEFAULT true,
    -- members with this role count as moderators besides those with Manage Messages
    ADD COLUMN moderator_role_id bigint,
    -- the built-in default word list applies in addition to the guild's own rules
    ADD COLUMN default_filters_enabled boolean NOT NULL DEFAULT false,
    -- channels where /imagine may be used; empty = everywhere
    ADD COLUMN imagine_channel_ids bigint[] NOT NULL DEFAULT '{}';
-- (the largest image size stays in generation_defaults.max_pixels of the guild row)
ALTER TABLE guild_settings ADD CONSTRAINT guild_settings_max_steps_check CHECK (max_steps BETWEEN 1 AND 150);
ALTER TABLE guild_settings ADD CONSTRAINT guild_settings_max_images_check CHECK (max_images BETWEEN 1 AND 4);

-- Per-channel override of the guild's NSFW policy.
CREATE TABLE channel_nsfw_policies (
    guild_id     bigint      NOT NULL,
    channel_id   bigint      NOT NULL,
    nsfw_policy  text        NOT NULL CHECK (nsfw_policy IN ('BLOCK', 'BLUR', 'SPOILER', 'ALLOW')),
    updated_by   bigint      NOT NULL,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (guild_id, channel_id)
);

-- Prompt filters: STRIP removes the matched words and lets the job run; WARN lets it run and tells the
-- member (and the mod log). PHRASE rules are words or phrases matched through normalisation.
ALTER TABLE filter_rules DROP CONSTRAINT filter_rules_action_check;
ALTER TABLE filter_rules ADD CONSTRAINT filter_rules_action_check CHECK (action IN ('BLOCK', 'STRIP', 'WARN'));
ALTER TABLE filter_rules DROP CONSTRAINT filter_rules_kind_check;
UPDATE filter_rules SET kind = 'PHRASE' WHERE kind = 'WORD';
ALTER TABLE filter_rules ADD CONSTRAINT filter_rules_kind_check CHECK (kind IN ('PHRASE', 'REGEX'));
CREATE INDEX filter_rules_guild_idx ON filter_rules (guild_id, id);

-- Members a moderator blocked from generating in one guild; expires_at NULL = until unblocked.
CREATE TABLE member_blocks (
    guild_id    bigint      NOT NULL,
    user_id     bigint      NOT NULL,
    blocked_by  bigint      NOT NULL,
    reason      text        NOT NULL,
    expires_at  timestamptz,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);

-- Concurrent jobs (queued + running) per member.
ALTER TABLE quota_rules ADD COLUMN concurrent_jobs int CHECK (concurrent_jobs >= 1);

-- Usage reports read the ledger per guild and day.
CREATE INDEX usage_ledger_guild_day_idx ON usage_ledger (guild_id, usage_day);
