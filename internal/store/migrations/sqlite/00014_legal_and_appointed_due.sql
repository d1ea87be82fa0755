-- +goose Up
-- Two due dates (Decree 61/2018/NĐ-CP as amended by Decree 107/2021/NĐ-CP):
-- the statutory one, moved only by the statute's own supplementation rule
-- and against which early/on time/late is judged, and the appointment
-- given to the applicant, which a rescheduling with apology moves.
ALTER TABLE dossiers RENAME COLUMN due_at TO legal_due_at;
ALTER TABLE dossiers ADD COLUMN appointed_due_at TIMESTAMP;
-- Supplementation requests made after reception: one is the rule, more
-- are an indicator of their own.
ALTER TABLE dossiers ADD COLUMN supplement_requests INTEGER NOT NULL DEFAULT 0;
UPDATE dossiers SET supplement_requests = (SELECT COUNT(*) FROM events e
    WHERE e.dossier_id = dossiers.id AND e.action = 'request_supplement' AND e.from_status <> 1);
UPDATE dossiers SET appointed_due_at = legal_due_at;
-- A rescheduled dossier's statutory date is the one before its (only)
-- rescheduling, kept in the event's data.
UPDATE dossiers SET legal_due_at = (
    SELECT strftime('%Y-%m-%d %H:%M:%S', json_extract(e.data, '$.old_due')) || '+00:00'
    FROM events e WHERE e.dossier_id = dossiers.id AND e.action = 'reschedule' ORDER BY e.id LIMIT 1)
WHERE rescheduled = 1 AND EXISTS (SELECT 1 FROM events e WHERE e.dossier_id = dossiers.id AND e.action = 'reschedule');
-- Their verdict was judged against the appointment: judge it again
-- against the statutory date, by calendar day in Vietnam (UTC+7, no DST).
UPDATE dossiers SET verdict = CASE
    WHEN finished_at > legal_due_at THEN 'late'
    WHEN date(finished_at, '+7 hours') < date(legal_due_at, '+7 hours') THEN 'early'
    ELSE 'on_time' END
WHERE rescheduled = 1 AND status IN (9, 10) AND verdict IN ('early', 'on_time', 'late')
  AND finished_at IS NOT NULL AND legal_due_at IS NOT NULL;

-- +goose Down
ALTER TABLE dossiers DROP COLUMN supplement_requests;
ALTER TABLE dossiers DROP COLUMN appointed_due_at;
ALTER TABLE dossiers RENAME COLUMN legal_due_at TO due_at;
