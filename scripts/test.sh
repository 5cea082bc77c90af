#!/usr/bin/env bash
# The full suite: static checks, then pytest on SQLite and PostgreSQL, then the coverage gate
# for the orchestration package. With CI=true, PostgreSQL tests fail instead of skipping.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/lint.sh
.venv/bin/python -m pytest --cov=stoflow --cov-report= "$@"
.venv/bin/python -m coverage report --include='stoflow/orchestration/*' --fail-under=90 --skip-covered
