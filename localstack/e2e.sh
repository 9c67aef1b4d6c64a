#!/usr/bin/env bash
# Runs the e2e suite against the sandbox stage deployed on LocalStack by ./deploy.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

outputs=localstack/.outputs.json
if [ ! -f "$outputs" ]; then
  echo "No $outputs: deploy first with localstack/deploy.sh" >&2
  exit 1
fi

# The stack's ApiUrl names the real AWS host; LocalStack serves the same API under its own domain.
read -r api_id api_stage pool_id client_id < <(node -e '
  const outputs = require(process.argv[1]);
  const stack = outputs["Wallet-sandbox-Stateless"];
  if (!stack) throw new Error("Wallet-sandbox-Stateless is missing from " + process.argv[1]);
  console.log([stack.ApiId, stack.ApiStage, stack.UserPoolId, stack.UserPoolClientId].join(" "));
' "$PWD/$outputs")

host="${LOCALSTACK_HOST:-localhost.localstack.cloud:4566}"
export E2E_BASE_URL="${E2E_BASE_URL:-http://$api_id.execute-api.$host/$api_stage}"
export E2E_USER_POOL_ID="$pool_id"
export E2E_USER_POOL_CLIENT_ID="$client_id"

echo "E2E_BASE_URL=$E2E_BASE_URL"
npx vitest run --project e2e
