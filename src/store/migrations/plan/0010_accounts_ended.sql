-- An account can be turned off (an agency worker whose week is over, a
-- family member whose access must stop for now) and on again: while it is,
-- it signs in nowhere, its PIN opens no kiosk, and its sessions are gone.
-- Removing an account deletes its row (its sessions go with it); what it
-- did stays in the audit log under its name.
ALTER TABLE accounts ADD COLUMN disabled_at TEXT;   -- RFC 3339, UTC; NULL: in use
