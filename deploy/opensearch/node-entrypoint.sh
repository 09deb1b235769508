#!/usr/bin/env bash
# Entry point of each OpenSearch node: install this node's certificate, the CA and the generated
# security files from the pki volume (written by the opensearch-setup job), then hand over to the
# image's own entry point. The security index is initialised from these files on the first start only
# (plugins.security.allow_default_init_securityindex); later changes need securityadmin.sh (docs/deploy.md).
set -euo pipefail
: "${NODE_NAME:?NODE_NAME must name this node (opensearch-node1, opensearch-node2)}"
PKI=${PKI_DIR:-/pki}
CONF=/usr/share/opensearch/config
for f in "$PKI/nodes/$NODE_NAME.pem" "$PKI/nodes/$NODE_NAME-key.pem" "$PKI/ca/root-ca.pem" \
         "$PKI/security/internal_users.yml"; do
  [ -r "$f" ] || { echo "node-entrypoint: missing $f (did opensearch-setup run?)" >&2; exit 1; }
done
install -d -m 0750 "$CONF/certs"
install -m 0600 "$PKI/nodes/$NODE_NAME.pem" "$CONF/certs/node.pem"
install -m 0600 "$PKI/nodes/$NODE_NAME-key.pem" "$CONF/certs/node-key.pem"
install -m 0644 "$PKI/ca/root-ca.pem" "$CONF/certs/root-ca.pem"
install -m 0600 "$PKI/security/internal_users.yml" "$CONF/opensearch-security/internal_users.yml"
install -m 0600 /deploy/security/roles.yml "$CONF/opensearch-security/roles.yml"
install -m 0600 /deploy/security/roles_mapping.yml "$CONF/opensearch-security/roles_mapping.yml"
exec /usr/share/opensearch/opensearch-docker-entrypoint.sh opensearch "$@"
