-- One database and one login role per Custodian service: no service can read another's tables.
--
-- The postgres image runs this once, when its data volume is empty
-- (/docker-entrypoint-initdb.d/, as the superuser, with psql). The passwords come from the
-- container's environment (docker-compose.yml passes IDENTITY_DB_PASSWORD ... AUDIT_DB_PASSWORD
-- from deploy/env/secrets.env); a missing one stops the initialisation with an error.
-- Each service's tables are created by `python -m services.common migrate` (the `migrate`
-- service), connected as that service's role, so every role owns its own schema objects.

\set ON_ERROR_STOP on

\getenv identity_password IDENTITY_DB_PASSWORD
\getenv orgs_password ORGS_DB_PASSWORD
\getenv billing_password BILLING_DB_PASSWORD
\getenv audit_password AUDIT_DB_PASSWORD

-- REVOKE ... FROM PUBLIC: only a database's owner (and the superuser) may connect to it.

CREATE ROLE identity LOGIN PASSWORD :'identity_password';
CREATE DATABASE identity OWNER identity;
REVOKE ALL ON DATABASE identity FROM PUBLIC;

CREATE ROLE orgs LOGIN PASSWORD :'orgs_password';
CREATE DATABASE orgs OWNER orgs;
REVOKE ALL ON DATABASE orgs FROM PUBLIC;

CREATE ROLE billing LOGIN PASSWORD :'billing_password';
CREATE DATABASE billing OWNER billing;
REVOKE ALL ON DATABASE billing FROM PUBLIC;

CREATE ROLE audit LOGIN PASSWORD :'audit_password';
CREATE DATABASE audit OWNER audit;
REVOKE ALL ON DATABASE audit FROM PUBLIC;
