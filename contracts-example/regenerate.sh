#!/usr/bin/env bash
# Regenerates the demo-only zones (alice, bob) and the fully signed example contract with trustctl
# itself, then lints the example repository. DEMO ONLY: the private keys it writes are published.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tc="$here/../trustctl"
cd "$here"
rm -rf zones repository/contracts/alice-bob.yaml
for z in alice bob; do
  "$tc" pki init --dir "zones/$z" --name "$z" --valid-for 3650d
  "$tc" pki issue --dir "zones/$z" --name "admin@$z" --valid-for 3650d \
      --key-out "zones/$z/admin-key.pem" --cert-out "zones/$z/admin.pem"
done
"$tc" contract new --name alice-bob --valid-for 365d \
    --participant alice=zones/alice/ca.pem --participant bob=zones/bob/ca.pem \
    -o repository/contracts/alice-bob.yaml
for z in alice bob; do
  "$tc" contract sign repository/contracts/alice-bob.yaml \
      --key "zones/$z/admin-key.pem" --cert "zones/$z/admin.pem"
done
cat > zones/README.md <<'NOTE'
# DEMO ONLY

These zones' private keys are published in this repository: never trust these roots outside the
demo and the tests. Regenerate everything with `contracts-example/regenerate.sh`.
NOTE
"$tc" repo lint repository
