#!/usr/bin/env bash
# Static checks: ruff (lint) and mypy (strict). Any finding fails.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check stoflow tests
.venv/bin/mypy
