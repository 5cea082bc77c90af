"""Marketplace sandbox: stateful eBay, Etsy and Vinted emulators over real HTTP, with fault injection.

Start them in-process (tests, other packages) or with `stoflow sandbox` (demos):

    from stoflow.sandbox import SandboxConfig, running_sandbox

    with running_sandbox(SandboxConfig(seed=1)) as sandbox:
        sandbox.ebay_url, sandbox.etsy_url, sandbox.vinted_url    # http://127.0.0.1:<free port>

Each emulator serves the real paths (eBay `/identity/v1/oauth2/token`, `/sell/inventory/v1/...`,
`/sell/fulfillment/v1/order`, `/commerce/media/v1_beta/image/...`; Etsy `/v3/public/oauth/token`,
`/v3/application/...`; Vinted `/api/v2/...`, `/items/new`, `/web/api/auth/refresh`) and an admin
API under `/_admin` (see `stoflow.sandbox.admin`): register a seller to get credentials, inspect
listings and the call log, simulate a sale, and add fault rules such as

    POST /_admin/faults {"kind": "lost_response", "seller": "*", "route": "createOffer", "times": 1}

Kinds: error (status, rate, retry_after), latency (delay_ms), timeout (delay_ms, then 504 with
nothing changed), lost_response (change committed, connection dropped), challenge (Vinted-style
captcha HTML 403 until the rule is deleted). Routes are named after the marketplaces' operation ids
(createOffer, createDraftListing, ...) or, for Vinted, createItem, updateItem, deleteItem, hideItem,
uploadPhoto, wardrobe, myOrders. `POST /_admin/sellers/{id}/expire-tokens` expires tokens now.
"""

from stoflow.sandbox.clock import ManualClock, SystemClock
from stoflow.sandbox.config import SandboxConfig
from stoflow.sandbox.server import Sandbox, running_apps, running_sandbox

__all__ = ["ManualClock", "Sandbox", "SandboxConfig", "SystemClock", "running_apps", "running_sandbox"]
