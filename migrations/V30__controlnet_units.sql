-- issue 18: ControlNet. A job's ControlNet units (A1111's: model, preprocessor and thresholds, weight, guidance
-- start/end, control mode) as a JSON list, their control images beside them as bytea (one per unit, in order, like
-- init_image), and the ControlNets each worker offers with the family of each (published at worker start, as LoRAs
-- are) so the bot can autocomplete them and refuse an unknown or wrong-family ControlNet before queueing.
ALTER TABLE jobs
    ADD COLUMN control_units jsonb NOT NULL DEFAULT '[]',
    ADD COLUMN control_images bytea[],
    ADD CONSTRAINT jobs_control_images_match CHECK (control_images IS NULL
        OR cardinality(control_images) = jsonb_array_length(control_units));

ALTER TABLE workers
    ADD COLUMN controlnets text[] NOT NULL DEFAULT '{}',
    ADD COLUMN controlnet_families jsonb NOT NULL DEFAULT '{}';

-- retention drops control images with the other images a job row carries
DROP INDEX jobs_images_retention_idx;
CREATE INDEX jobs_images_retention_idx ON jobs (finished_at)
    WHERE preview_png IS NOT NULL OR init_image IS NOT NULL OR mask_image IS NOT NULL OR control_images IS NOT NULL;
