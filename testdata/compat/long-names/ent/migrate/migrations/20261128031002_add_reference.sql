-- Modify "supervision_request_approvals" table
ALTER TABLE "supervision_request_approvals" ADD COLUMN "external_approval_reference_code" character varying NULL;
-- Create index "supervision_request_approvals_external_approval_reference_code_" to table: "supervision_request_approvals"
CREATE UNIQUE INDEX "supervision_request_approvals_external_approval_reference_code_" ON "supervision_request_approvals" ("external_approval_reference_code");
