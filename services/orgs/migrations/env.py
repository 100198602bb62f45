from services.common.migrations import run_env
from services.orgs.models import OrgsTable

run_env(OrgsTable.metadata)
