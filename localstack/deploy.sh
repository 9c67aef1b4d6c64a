#!/usr/bin/env bash
# Deploys the sandbox stage of the CDK app (both stacks) to a running LocalStack.
# Start LocalStack first: (cd localstack && docker compose up -d --wait)
set -euo pipefail
cd "$(dirname "$0")/.."

export AWS_ENDPOINT_URL="${AWS_ENDPOINT_URL:-http://localhost.localstack.cloud:4566}"
export AWS_ENDPOINT_URL_S3="${AWS_ENDPOINT_URL_S3:-http://s3.localhost.localstack.cloud:4566}"
# LocalStack's default account; cdklocal supplies dummy credentials for it.
account=000000000000
# The stacks pin their region (ap-southeast-1 unless -c region=...); bootstrap the same one.
region=ap-southeast-1

if ! curl -fsS "$AWS_ENDPOINT_URL/_localstack/health" >/dev/null; then
  echo "LocalStack is not answering at $AWS_ENDPOINT_URL: start it with (cd localstack && docker compose up -d --wait)" >&2
  exit 1
fi

npx cdklocal bootstrap "aws://$account/$region" -c stage=sandbox -c region="$region"
npx cdklocal deploy --all -c stage=sandbox -c region="$region" --require-approval never \
  --outputs-file localstack/.outputs.json

echo "Deployed. Outputs in localstack/.outputs.json; run localstack/e2e.sh"
