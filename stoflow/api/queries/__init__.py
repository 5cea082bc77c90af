"""Read and write queries of the API, each on a tenant's engine (so scoped to that tenant)."""
