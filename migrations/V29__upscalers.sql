-- issue 18: ESRGAN-family upscalers. Each worker publishes the upscalers it has (name -> the factor its network
-- enlarges by, read from the file's header) as it publishes its LoRAs, so the bot validates and autocompletes them
-- without reading the workers' disks; an upscale job names its upscaler (NULL for every other job) and goes to a
-- worker that publishes it.
ALTER TABLE workers ADD COLUMN upscalers jsonb NOT NULL DEFAULT '{}';
ALTER TABLE jobs ADD COLUMN upscaler text;
