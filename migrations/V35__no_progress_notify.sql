-- NOTIFY only for state changes (issue 19). Every progress step sent one NOTIFY to every listening process (workers
-- and scheduler nodes included, which ignore it), and NOTIFY commits are serialised cluster-wide. Nobody needs the push:
-- the bot's progress messages poll the job row (edited at most once per interval anyway), and workers write progress
-- at most once a second.
DROP TRIGGER jobs_progress_notify ON jobs;
DROP FUNCTION sdbot_notify_job_progress();
