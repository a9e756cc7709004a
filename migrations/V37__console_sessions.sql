-- issue 19: the console's sessions and pending OAuth logins live in the database, so that the console can run in
-- several processes behind a load balancer (a login started on one finishes on another; a cookie works on all).
-- Only a SHA-256 of each session id and OAuth state is kept (a reader of the table cannot log in with it); a Discord
-- login's access token is kept sealed (AES-GCM under a key derived from the OAuth client secret, which every console
-- process has). Expired rows are purged when a session or a login starts.
CREATE TABLE console_sessions (
    id_sha256      bytea PRIMARY KEY,
    who            text        NOT NULL,
    all_guilds     boolean     NOT NULL,
    csrf           text        NOT NULL,
    discord_token  bytea,
    generation     bigint      NOT NULL,
    managed_ids    bigint[]    NOT NULL,
    managed_names  text[]      NOT NULL,
    checked_at     timestamptz NOT NULL,
    expires_at     timestamptz NOT NULL
);
CREATE INDEX console_sessions_expiry_idx ON console_sessions (expires_at);

CREATE TABLE console_oauth_states (
    state_sha256 bytea PRIMARY KEY,
    expires_at   timestamptz NOT NULL
);
CREATE INDEX console_oauth_states_expiry_idx ON console_oauth_states (expires_at);
