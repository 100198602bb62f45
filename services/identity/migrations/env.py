from services.common.migrations import run_env
from services.identity.models import IdentityTable

run_env(IdentityTable.metadata)
