from services.common.migrations import run_env
from services.billing.models import BillingTable

run_env(BillingTable.metadata)
