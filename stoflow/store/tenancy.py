"""Tenant names and where each tenant's tables live.

A tenant name is validated before it reaches SQL or the file system: it becomes a PostgreSQL schema
name (`t_<name>`) or a SQLite file name, so only a conservative alphabet is accepted.
"""

from __future__ import annotations

import re

TENANT_NAME = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
SHARED_PG_SCHEMA = "stoflow_shared"
TENANT_SCHEMA_PREFIX = "t_"


class InvalidTenantName(ValueError):
    """A tenant name outside 2-40 characters of a-z, 0-9 and underscore, starting with a letter."""

    def __init__(self, name: str) -> None:
        super().__init__(
            f"invalid tenant name {name!r}: use 2-40 characters of a-z, 0-9 and '_', starting with a letter"
        )
        self.name = name


def validate_tenant_name(name: str) -> str:
    if not TENANT_NAME.fullmatch(name):
        raise InvalidTenantName(name)
    return name


def tenant_schema(name: str) -> str:
    """The PostgreSQL schema of a tenant; validation makes it safe as a quoted identifier."""
    return TENANT_SCHEMA_PREFIX + validate_tenant_name(name)
