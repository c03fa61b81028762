#!/usr/bin/env bash
# Installs what the browser tests (Tests/browser/) need when it is missing: Debian's chromium and
# chromium-driver, a font, and selenium for python3 (Debian's python3-selenium, or pip when python3 is
# not the system's). Only what is missing, without recommended packages or upgrades of what is there. Safe to run again: it only installs what is absent. CI runs it as root.
set -euo pipefail
missing=()
command -v python3 >/dev/null 2>&1 || missing+=(python3)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
# A font for the pages' text (screenshots); apt-get below installs without recommended packages.
[ -d /usr/share/fonts/truetype/dejavu ] || missing+=(fonts-dejavu-core)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends --no-upgrade "${missing[@]}"
    else
        echo "Missing system packages: ${missing[*]}. Install them with: sudo apt-get install ${missing[*]}" >&2
        exit 1
    fi
fi
if ! python3 -c 'import selenium' >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && [ "$(command -v python3)" = /usr/bin/python3 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends --no-upgrade python3-selenium
    else
        python3 -m pip install --quiet selenium || python3 -m pip install --quiet --break-system-packages selenium
    fi
fi
python3 -c 'import selenium' || {
    echo "selenium is still missing for $(command -v python3); install it with: python3 -m pip install selenium" >&2
    exit 1
}
