#!/bin/sh
# Nightly audit outside CI (cron, systemd timer). Keeps the history next to the checkout.
#
#   crontab -e
#   17 3 * * *  /path/to/auditor-nightly.sh /srv/checkouts/shop /srv/reports/shop >> /var/log/auditor.log 2>&1
#
# Exit status: 0 clean, 1 findings at/above fail_on (or an incomplete run), 2 configuration error.
set -eu
repo=${1:?usage: auditor-nightly.sh REPO_DIR REPORT_DIR}
reports=${2:?usage: auditor-nightly.sh REPO_DIR REPORT_DIR}
export SEMGREP_ENABLE_VERSION_CHECK=0

cd "$repo"
git fetch --quiet origin
git checkout --quiet --detach origin/HEAD

stamp=$(date -u +%Y-%m-%dT%H%M%SZ)
status=0
# the report directory is written atomically; a failed run leaves the previous one untouched
auditor audit "$repo" --out "$reports/$stamp" --history "$repo/.auditor/history.sqlite" || status=$?
ln -sfn "$reports/$stamp" "$reports/latest"
auditor history "$repo" --last 14 || true
exit "$status"
