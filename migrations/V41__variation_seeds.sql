-- A1111's variation seed (subseed) and its strength; a strength of 0 is no variation (the seed is then ignored).
ALTER TABLE jobs ADD COLUMN variation_seed bigint;
ALTER TABLE jobs ADD COLUMN variation_strength double precision NOT NULL DEFAULT 0
    CHECK (variation_strength BETWEEN 0 AND 1);
