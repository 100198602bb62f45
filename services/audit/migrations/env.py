from services.common.migrations import run_env
from services.audit.models import AuditTable

run_env(AuditTable.metadata)
