"""Client of the SP4N-LAPOR! integration API, and its sandbox (docs/contracts.md, "LAPOR API")."""

from lapor_client.client import LaporClient
from lapor_client.config import LaporSettings
from lapor_client.sandbox.admin_client import SandboxAdmin

__all__ = ["LaporClient", "LaporSettings", "SandboxAdmin"]
