-- +goose Up
-- A procedure version that any one-stop desk may receive at the counter,
-- whatever unit offers it (Decree 118/2025/NĐ-CP, "không phụ thuộc địa giới
-- hành chính"). The flag lives in the version's body; the column lets the
-- counter's procedure list find such versions without reading every body.
ALTER TABLE procedure_versions ADD COLUMN receive_anywhere INTEGER NOT NULL DEFAULT 0;
UPDATE procedure_versions SET receive_anywhere = 1 WHERE json_extract(body, '$.receive_anywhere') = 1;

-- +goose Down
ALTER TABLE procedure_versions DROP COLUMN receive_anywhere;
