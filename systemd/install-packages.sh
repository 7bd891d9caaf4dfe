#!/bin/sh
# Installs the Debian packages sayso needs to build, test and run:
# build tools and headers (with those of the screen, input and seat
# libraries for drawing without a desktop), a font (Slint embeds none), the speech service with
# espeak-ng, the libraries a window needs on X11 or Wayland, and for the
# tests an X server of their own (Xvfb), xdotool to press keys in it, GNU
# time to measure memory, Chromium with its WebDriver for the web app,
# poppler-utils to read the PDF reports back, curl to speak HTTPS to it
# and openssl to read its certificate,
# faketime to run the tests on another day than today, LibreOffice Calc
# (without its desktop) to open the CSV reports as a spreadsheet would, and for checking
# the Debian package dpkg-dev and systemd-analyze.
# Safe to run again: it installs only what is missing.
set -eu

PACKAGES="
pkg-config
libfontconfig-dev
libasound2-dev
libopus-dev
libclang-dev
libspeechd-dev
libudev-dev
libseat-dev
libgbm-dev
libinput-dev
libxkbcommon-dev
fonts-dejavu-core
speech-dispatcher
speech-dispatcher-espeak-ng
espeak-ng
libxkbcommon-x11-0
libxcursor1
libxrandr2
libxi6
libx11-xcb1
libwayland-client0
libwayland-cursor0
libwayland-egl1
libegl1
libgl1
xvfb
xdotool
time
chromium
chromium-driver
poppler-utils
curl
openssl
faketime
libreoffice-calc-nogui
dpkg-dev
systemd
"

# Installed for this machine's own architecture: a cross-compiling machine
# may hold the arm64 one of the same name.
native=$(dpkg --print-architecture)
missing=""
for package in $PACKAGES; do
    if ! dpkg-query -W -f='${Architecture} ${Status}\n' "$package" 2>/dev/null |
        grep -Eq "^($native|all) install ok installed"; then
        missing="$missing $package:$native"
    fi
done
if [ -z "$missing" ]; then
    exit 0
fi

as_root=""
if [ "$(id -u)" -ne 0 ]; then
    as_root="sudo"
fi
echo "installing:$missing"
$as_root apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq --no-install-recommends $missing
