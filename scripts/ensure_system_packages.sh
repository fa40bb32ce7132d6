#!/usr/bin/env bash
# Install the Debian packages the integration tests need, only those that are missing:
# Redis, Dovecot (IMAP tests), Chromium (browser tests), fonts and Pango (WeasyPrint PDFs),
# gettext (the test that the translation catalogues match the marked strings), openssl (the IMAP TLS tests),
# and PostgreSQL when no PostgreSQL server binaries are found at all.
set -euo pipefail

PACKAGES=(redis-server dovecot-imapd chromium fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 gettext openssl)

have_postgres() {
    command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1 && return 0
    compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null
}

installed() {
    [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "warning: not a Debian system; install by hand: ${PACKAGES[*]} and PostgreSQL" >&2
    exit 0
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
    installed "$pkg" || missing+=("$pkg")
done
have_postgres || missing+=(postgresql)

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
else
    echo "error: missing Debian packages: ${missing[*]}" >&2
    echo "       install them with: sudo apt-get -o DPkg::Lock::Timeout=600 update && sudo apt-get -o DPkg::Lock::Timeout=600 install -y ${missing[*]}" >&2
    exit 1
fi

# Another install (unattended-upgrades, a second `make test`) may hold dpkg's lock: wait for it
# (HELPDESK_APT_LOCK_SECONDS, default 600) instead of failing at once.
APT=(apt-get -o "DPkg::Lock::Timeout=${HELPDESK_APT_LOCK_SECONDS:-600}")

echo "==> installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" "${APT[@]}" update -q
"${SUDO[@]}" "${APT[@]}" install -y -q --no-install-recommends "${missing[@]}"
