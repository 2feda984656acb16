#!/usr/bin/env bash
# tokio's own integration tests (the `tests/` folder of the tokio crate package) run against
# weft: `bash conformance/run.sh`. `--baseline` runs the same suite on real tokio and records the
# tests that pass there in conformance/baseline.txt. See conformance/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 conformance/conformance.py "$@"
