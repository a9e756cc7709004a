-- Announce only the state changes some process acts on: QUEUED wakes the dispatchers, ASSIGNED the worker it
-- names, CANCELLED stops a running job, and SUCCEEDED/FAILED/CANCELLED/BLOCKED free a slot and end a request
-- the bot is waiting on. RUNNING and POSTED wake nobody: every NOTIFY signals each listening backend and is
-- read by every listener, so announcing them cost a share of the queue's throughput for nothing.
CREATE OR REPLACE FUNCTION sdbot_notify_job_state() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (TG_OP = 'INSERT' OR NEW.state IS DISTINCT FROM OLD.state) AND NEW.state NOT IN ('RUNNING', 'POSTED') THEN
        PERFORM pg_notify('sdbot_job_events', NEW.id || ':' || NEW.state || COALESCE(':' || NEW.worker_id, ''));
    END IF;
    RETURN NEW;
END $$;

-- Progress of a running job only; the final step arrives with SUCCEEDED, and a retry's reset to 0 is no news.
CREATE OR REPLACE FUNCTION sdbot_notify_job_progress() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.state = 'RUNNING' AND OLD.state = 'RUNNING' AND NEW.progress_step IS DISTINCT FROM OLD.progress_step THEN
        PERFORM pg_notify('sdbot_job_progress', NEW.id || ':' || NEW.progress_step || '/' || NEW.progress_total);
    END IF;
    RETURN NEW;
END $$;
