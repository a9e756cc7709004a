-- issue 9: LoRAs the workers offer (names of <models>/lora/NAME.safetensors, published at worker start so the
-- bot can validate <lora:NAME> tags and autocomplete them without reading the workers' disks), and the hires fix
-- of a job (A1111's options; hires_scale NULL = no hires fix).
ALTER TABLE workers ADD COLUMN loras text[] NOT NULL DEFAULT '{}';

ALTER TABLE jobs
    ADD COLUMN hires_scale double precision,
    ADD COLUMN hires_upscaler text,
    ADD COLUMN hires_steps integer NOT NULL DEFAULT 0,
    ADD COLUMN hires_strength double precision,
    ADD CONSTRAINT jobs_hires_complete CHECK ((hires_scale IS NULL) = (hires_upscaler IS NULL)
        AND (hires_scale IS NULL) = (hires_strength IS NULL));
