#!/bin/sh
# One-shot MinIO setup: the archive bucket and a pipeline user limited to that bucket (not the root user).
# Idempotent. (No bucket versioning: the storage layer writes a temporary object and renames it, which
# would leave a deleted version behind for every file.)
set -eu
: "${MINIO_ROOT_USER:?}" "${MINIO_ROOT_PASSWORD:?}" "${NEWSINGEST_S3_BUCKET:?}"
: "${NEWSINGEST_S3_ACCESS_KEY:?}" "${NEWSINGEST_S3_SECRET_KEY:?}"
mc alias set local http://minio:9000 "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null
mc mb --ignore-existing "local/$NEWSINGEST_S3_BUCKET"
cat > /tmp/newsingest-policy.json <<POLICY
{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetBucketLocation"],
     "Resource": ["arn:aws:s3:::$NEWSINGEST_S3_BUCKET"]},
    {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
     "Resource": ["arn:aws:s3:::$NEWSINGEST_S3_BUCKET/*"]}
  ]
}
POLICY
mc admin policy create local newsingest-archive /tmp/newsingest-policy.json   # creates or replaces
mc admin user add local "$NEWSINGEST_S3_ACCESS_KEY" "$NEWSINGEST_S3_SECRET_KEY"
# attach fails when the policy is attached already (a rerun): accept only that case (no grep in the image)
if ! out=$(mc admin policy attach local newsingest-archive --user "$NEWSINGEST_S3_ACCESS_KEY" 2>&1); then
  case "$out" in
    *already*) echo "policy already attached" ;;
    *) echo "$out" >&2; exit 1 ;;
  esac
fi
echo "minio-init: bucket $NEWSINGEST_S3_BUCKET ready for user $NEWSINGEST_S3_ACCESS_KEY"
