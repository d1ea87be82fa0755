-- +goose Up
-- Two due dates (Decree 61/2018/NĐ-CP as amended by Decree 107/2021/NĐ-CP):
-- the statutory one, moved only by the statute's own supplementation rule
-- and against which early/on time/late is judged, and the appointment
-- given to the applicant, which a rescheduling with apology moves.
ALTER TABLE dossiers RENAME COLUMN due_at TO legal_due_at;
ALTER TABLE dossiers ADD COLUMN appointed_due_at TIMESTAMPTZ;
-- Supplementation requests made after reception: one is the rule, more
-- are an indicator of their own.
ALTER TABLE dossiers ADD COLUMN supplement_requests INTEGER NOT NULL DEFAULT 0;
UPDATE dossiers SET supplement_requests = (SELECT COUNT(*) FROM events e
    WHERE e.dossier_id = dossiers.id AND e.action = 'request_supplement' AND e.from_status <> 1);
UPDATE dossiers SET appointed_due_at = legal_due_at;
-- A rescheduled dossier's statutory date is the one before its (only)
-- rescheduling, kept in the event's data.
UPDATE dossiers d SET legal_due_at = (
    SELECT (e.data->>'old_due')::timestamptz
    FROM events e WHERE e.dossier_id = d.id AND e.action = 'reschedule' ORDER BY e.id LIMIT 1)
WHERE d.rescheduled AND EXISTS (SELECT 1 FROM events e WHERE e.dossier_id = d.id AND e.action = 'reschedule');
-- Their verdict was judged against the appointment: judge it again
-- against the statutory date, by calendar day in Vietnam.
UPDATE dossiers SET verdict = CASE
    WHEN finished_at > legal_due_at THEN 'late'
    WHEN (finished_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date < (legal_due_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date THEN 'early'
    ELSE 'on_time' END
WHERE rescheduled AND status IN (9, 10) AND verdict IN ('early', 'on_time', 'late')
  AND finished_at IS NOT NULL AND legal_due_at IS NOT NULL;

-- +goose Down
ALTER TABLE dossiers DROP COLUMN supplement_requests;
ALTER TABLE dossiers DROP COLUMN appointed_due_at;
ALTER TABLE dossiers RENAME COLUMN legal_due_at TO due_at;
