#!/usr/bin/env bash
# The full suite: static checks, then pytest on SQLite and PostgreSQL (browser tests in Debian's
# Chromium), then the coverage gate for the orchestration package. With CI=true, PostgreSQL and
# browser tests fail instead of skipping when their service is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

ensure_chromium() {
  [ -x /usr/bin/chromium ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing Debian's chromium for the browser tests" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
}

scripts/lint.sh
ensure_chromium || echo "could not install chromium; browser tests will skip (or fail with CI=true)" >&2
.venv/bin/python -m pytest --cov=stoflow --cov-report= "$@"
.venv/bin/python -m coverage report --include='stoflow/orchestration/*' --fail-under=90 --skip-covered
