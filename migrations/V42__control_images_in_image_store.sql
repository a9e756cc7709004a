-- issue 19: ControlNet control images leave the job row for the image store, as init images and masks did in V34. A
-- job keeps one key per unit, in unit order (NULL: no units, or retention dropped them).
--
-- Existing installs: rows written before this version keep their control_images bytea[] and are still read from it
-- (a job without control_image_keys reads its control images from the row); retention empties both as they age out.
ALTER TABLE jobs
    ADD COLUMN control_image_keys text[],
    ADD CONSTRAINT jobs_control_image_keys_match CHECK (control_image_keys IS NULL
        OR cardinality(control_image_keys) = jsonb_array_length(control_units)),
    ADD CONSTRAINT jobs_control_images_one_place CHECK (control_image_keys IS NULL OR control_images IS NULL);

-- The purge reads every image column and key of a job; the index covers all of them (see V40).
DROP INDEX jobs_images_retention_idx;
CREATE INDEX jobs_images_retention_idx ON jobs (finished_at)
    WHERE preview_png IS NOT NULL OR init_image IS NOT NULL OR mask_image IS NOT NULL
       OR init_image_key IS NOT NULL OR mask_image_key IS NOT NULL OR control_images IS NOT NULL
       OR control_image_keys IS NOT NULL;
