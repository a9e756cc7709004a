-- issue 17: `sdbot console-link --revoke-sessions` ends every console session at once, from any process with the
-- database: it bumps this one generation number; the console ends a session opened under an older generation at its
-- next request (no clock is compared, so host clocks may differ).
CREATE TABLE console_revocations (
    id         smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    generation bigint   NOT NULL
);
INSERT INTO console_revocations (id, generation) VALUES (1, 0);
