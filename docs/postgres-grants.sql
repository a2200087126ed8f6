-- Rights of the application role "somflow_app" on somflow's tables (run as the tables' owner,
-- after somflow's first start as the owner created them; see docs/postgres.md).
-- Rows only: no CREATE, no DROP; the audit log can be appended to, never changed or deleted.
-- A shared role like this one is not in somflow_roles, so it sees the unit its connection declares:
-- it does not separate the units from each other. Prefer one role per unit: somflow store add-role UNIT.
GRANT USAGE ON SCHEMA public TO somflow_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON somflow_records TO somflow_app;
GRANT SELECT, INSERT ON somflow_audit TO somflow_app;
GRANT USAGE ON SEQUENCE somflow_audit_seq_seq TO somflow_app;
GRANT SELECT, INSERT ON somflow_units TO somflow_app;
GRANT SELECT ON somflow_meta TO somflow_app;
GRANT SELECT ON somflow_roles TO somflow_app;
