-- issue 17: one-time admin links of the console, minted at start or by `sdbot console-link` (another process with
-- access to the database) and spent by the process that serves the console. Only a SHA-256 of each token is kept: a
-- reader of this table cannot log in with it. A row is deleted when it is used; expired rows are purged when a link
-- is minted.
CREATE TABLE console_admin_links (
    token_sha256 bytea PRIMARY KEY,
    expires_at   timestamptz NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
