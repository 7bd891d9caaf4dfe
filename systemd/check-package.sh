#!/bin/sh
# Builds the amd64 package from the test build (`cargo deb --profile dev`:
# the same files as a release, quicker) and checks what is in it: the
# control fields and dependencies, every file the kiosk needs where the
# kiosk looks for it, the maintainer scripts, and the systemd unit through
# `systemd-analyze verify` with the package's own binary.
# The release package itself is made with `cargo deb` (see the README).
set -eu
cd "$(dirname "$0")/.."

if ! command -v cargo-deb >/dev/null 2>&1; then
    cargo install cargo-deb --version 3.8.0 --locked
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo deb --profile dev --locked -o "$work/sayso.deb" >/dev/null 2>"$work/build.log" || {
    cat "$work/build.log"
    exit 1
}

fail() {
    echo "package check: $*" >&2
    exit 1
}

dpkg-deb -I "$work/sayso.deb" >"$work/info"
for field in "Package: sayso" "Architecture: amd64" "Maintainer:"; do
    grep -q "$field" "$work/info" || fail "no '$field' in the control file"
done
for dependency in libinput10 libseat1 libgbm1 libudev1 libxkbcommon0 libasound2 \
    libfontconfig1 libspeechd2 speech-dispatcher speech-dispatcher-espeak-ng espeak-ng \
    fonts-dejavu-core adduser polkitd; do
    grep "^ Depends:" "$work/info" | grep -q "$dependency" ||
        fail "does not depend on $dependency"
done
for script in postinst postrm prerm; do
    grep -q "$script" "$work/info" || fail "no $script script"
done

dpkg-deb -c "$work/sayso.deb" | awk '{ print $6 }' >"$work/files"
for file in ./usr/bin/sayso ./usr/lib/systemd/system/sayso.service \
    ./lib/udev/rules.d/60-sayso.rules ./usr/share/sayso/61-sayso-touch-rotation.rules \
    ./usr/share/polkit-1/rules.d/50-sayso.rules \
    ./usr/share/sayso/images/demo/set.toml ./usr/share/sayso/images/demo/home.toml \
    ./usr/share/sayso/images/scales/like.svg ./usr/share/sayso/voices/en-GB/pack.toml \
    ./usr/share/doc/sayso/raspberry-pi.md ./usr/share/doc/sayso/copyright; do
    grep -qx "$file" "$work/files" || fail "no $file in the package"
done

# The unit, pointed at the package's own binary.
dpkg-deb -x "$work/sayso.deb" "$work/root"
"$work/root/usr/bin/sayso" --version >/dev/null || fail "the packaged sayso does not run"
sed "s|^ExecStart=/usr/bin/sayso|ExecStart=$work/root/usr/bin/sayso|" \
    "$work/root/usr/lib/systemd/system/sayso.service" >"$work/sayso.service"
systemd-analyze verify "$work/sayso.service" || fail "systemd-analyze verify"
exposure=$(systemd-analyze security --offline=true "$work/sayso.service" 2>/dev/null |
    sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
echo "package check: ok ($(du -h "$work/sayso.deb" | cut -f1), systemd exposure $exposure)"
