#!/bin/sh
# Makes the Raspberry Pi package (arm64) on an x86_64 Debian 12 machine,
# cross-compiled with Debian's multiarch packages (installed here when
# missing), into the target directory's debian/sayso_*_arm64.deb (its path
# is printed); then checks it: the
# control fields, and its own binary run under qemu-aarch64 (qemu-user-static)
# checking the demo set and drawing every screen into a folder.
# Safe to run again.
set -eu
cd "$(dirname "$0")/.."

ARM64_PACKAGES="
gcc-aarch64-linux-gnu
libc6-dev-arm64-cross
qemu-user-static
libc6:arm64
libfontconfig-dev:arm64
libasound2-dev:arm64
libopus-dev:arm64
libspeechd-dev:arm64
libudev-dev:arm64
libseat-dev:arm64
libgbm-dev:arm64
libinput-dev:arm64
libxkbcommon-dev:arm64
"
as_root=""
if [ "$(id -u)" -ne 0 ]; then
    as_root="sudo"
fi
missing=""
for package in $ARM64_PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $package"
    fi
done
if [ -n "$missing" ]; then
    echo "installing:$missing"
    if ! dpkg --print-foreign-architectures | grep -qx arm64; then
        $as_root dpkg --add-architecture arm64
    fi
    $as_root apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq --no-install-recommends $missing
fi
if ! rustup target list --installed | grep -qx aarch64-unknown-linux-gnu; then
    rustup target add aarch64-unknown-linux-gnu
fi
if ! command -v cargo-deb >/dev/null 2>&1; then
    cargo install cargo-deb --version 3.8.0 --locked
fi

export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
export CC_aarch64_unknown_linux_gnu=aarch64-linux-gnu-gcc
export PKG_CONFIG_ALLOW_CROSS=1
export PKG_CONFIG_LIBDIR_aarch64_unknown_linux_gnu=/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig
export BINDGEN_EXTRA_CLANG_ARGS_aarch64_unknown_linux_gnu="--sysroot=/usr/aarch64-linux-gnu -I/usr/include"
fail() {
    echo "arm64 package check: $*" >&2
    exit 1
}
# cargo-deb prints where it put the package (under the target directory).
package=$(cargo deb --locked --target aarch64-unknown-linux-gnu | tail -n 1)
[ -f "$package" ] || fail "no package was made"
dpkg-deb -I "$package" | grep -q "Architecture: arm64" || fail "not an arm64 package"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dpkg-deb -x "$package" "$work/root"
# The arm64 libraries are this machine's multiarch ones, under /.
run() {
    qemu-aarch64-static -L / "$work/root/usr/bin/sayso" \
        --data-dir "$work/data" \
        --set "$work/root/usr/share/sayso/images/demo/set.toml" \
        --voice-pack "$work/root/usr/share/sayso/voices/en-GB" "$@"
}
run check >"$work/check.log" 2>&1 || {
    cat "$work/check.log"
    fail "sayso check failed under qemu-aarch64"
}
run screenshots "$work/screens" >"$work/screens.log" 2>&1 || {
    cat "$work/screens.log"
    fail "sayso screenshots failed under qemu-aarch64"
}
for screen in topics mat review staff; do
    [ -s "$work/screens/$screen-800x480-standard.png" ] || fail "no $screen screen was drawn"
done
echo "arm64 package check: ok ($package, $(du -h "$package" | cut -f1); $(ls "$work/screens" | wc -l) screens drawn under qemu-aarch64)"
