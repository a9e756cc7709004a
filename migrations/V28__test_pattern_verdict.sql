-- The worker's built-in test pattern (no model drew it: safe by construction) has a verdict of its own, so that the
-- quick start without a model posts its images while a real model without a safety checker stays UNCHECKED (issue 16).
ALTER TABLE job_results DROP CONSTRAINT job_results_safety_check,
    ADD CONSTRAINT job_results_safety_check CHECK (safety IN ('CLEAN', 'FLAGGED', 'UNCHECKED', 'TEST_PATTERN'));
