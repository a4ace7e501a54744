# shellcheck shell=bash
# The Debian forky chroot with Python 3.14 that the lanes on the newest Home Assistant share
# (scripts/test-latest, scripts/test-newest): sourced, not run. It holds one venv per lane.
#
#   LANE=test-newest; . scripts/lib/chroot.sh
#   chroot_prepare                      checks, lock, the chroot (built once), host CA and DNS
#   chroot_venv /opt/venv-x reqs.txt 1  the venv, rebuilt when reqs.txt (or the recipe) change
#   in_chroot CMD...                    runs CMD in the chroot, with the venv's bin first on PATH
#
# The caller must `cd` to the project first and set LANE (the name used in messages).
# Needs root (debootstrap, chroot, unshare). The project is bind-mounted read-write at its own
# path inside the chroot, in a private mount namespace (unshare -m): nothing stays mounted,
# even on failure. "$SMM_CHROOT.lock" is held until the caller exits, so runs of either lane
# take turns on the chroot.
#
# Environment (all optional):
#   SMM_CHROOT          chroot cache dir (default /var/cache/smm-panel-chroot)
#   SMM_DEBIAN_MIRROR   Debian mirror (default http://deb.debian.org/debian)
#   SMM_HOST_CA         host CA bundle copied into the chroot for pip
#                       (default /etc/ssl/certs/ca-certificates.crt)
#   SMM_REBUILD=venv    rebuild the lane's venv;  SMM_REBUILD=all  rebuild chroot and venv

PROJECT=$PWD
ROOT=${SMM_CHROOT:-/var/cache/smm-panel-chroot}
MIRROR=${SMM_DEBIAN_MIRROR:-http://deb.debian.org/debian}
HOST_CA=${SMM_HOST_CA:-/etc/ssl/certs/ca-certificates.crt}
REBUILD=${SMM_REBUILD:-}
SUITE=forky
PY=python3.14
VENV=/opt/venv  # set by chroot_venv; in_chroot puts $VENV/bin first on PATH

say() { printf 'scripts/%s: %s\n' "${LANE:?set LANE before sourcing chroot.sh}" "$*" >&2; }
die() { say "$*"; exit 1; }

# Checks, the lock, then the chroot itself (debootstrap, once) and the host's trust store.
chroot_prepare() {
  [ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot, unshare); run it as root or with sudo."
  [ -f "$HOST_CA" ] || die "no CA bundle at $HOST_CA (set SMM_HOST_CA)."
  case $ROOT in
    / | /*/ | */..*) die "SMM_CHROOT must name a dedicated directory (got '$ROOT')." ;;
    /*) ;;
    *) die "SMM_CHROOT must be an absolute path (got '$ROOT')." ;;
  esac
  local tool
  for tool in unshare chroot flock mount sha256sum; do
    command -v "$tool" >/dev/null || die "'$tool' not found (util-linux / coreutils)."
  done

  mkdir -p "$(dirname "$ROOT")"
  exec 9>"$ROOT.lock"
  if ! flock -n 9; then
    say "another run holds $ROOT.lock; waiting..."
    flock 9
  fi

  _chroot_build
  # Host trust store and DNS (this network intercepts TLS with a private CA that only the
  # host bundle has; without it pip fails with CERTIFICATE_VERIFY_FAILED)
  install -m 0644 "$HOST_CA" "$ROOT/etc/ssl/certs/host-ca-bundle.crt"
  cp -L /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null || true
  printf '[global]\ncert = /etc/ssl/certs/host-ca-bundle.crt\ndisable-pip-version-check = true\n' \
    >"$ROOT/etc/pip.conf"
}

# Debian forky (minbase) with python3.14, built once into $ROOT.
_chroot_build() {
  # $ROOT only ever comes from renaming a finished build, marker inside: a directory there
  # without the marker is someone else's (SMM_CHROOT=/opt, say), never to be deleted.
  if [ -e "$ROOT" ] && [ ! -f "$ROOT/.smm-chroot-ready" ]; then
    die "$ROOT exists but is not a chroot built here; refusing to touch it (set SMM_CHROOT)."
  fi
  if [ "$REBUILD" = all ]; then rm -rf "$ROOT"; fi
  [ -f "$ROOT/.smm-chroot-ready" ] && return 0
  local start=$SECONDS need=()
  command -v debootstrap >/dev/null || need+=(debootstrap)
  # Debian's archive key (preinstalled on Debian; a separate package on Ubuntu)
  [ -e /usr/share/keyrings/debian-archive-keyring.gpg ] || need+=(debian-archive-keyring)
  if [ ${#need[@]} -gt 0 ]; then
    say "installing ${need[*]} on the host (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q "${need[@]}" >/dev/null 2>&1 \
      || { apt-get update -q >/dev/null && apt-get install -y -q "${need[@]}" >/dev/null; } \
      || die "could not install ${need[*]} with apt-get."
  fi
  local script=/usr/share/debootstrap/scripts/$SUITE
  # bookworm's debootstrap has no "forky" script; testing uses the same one as sid
  [ -e "$script" ] || script=/usr/share/debootstrap/scripts/sid
  local build=$ROOT.build log=$ROOT.debootstrap.log
  say "building a Debian $SUITE chroot with $PY in $ROOT (once; a few minutes)"
  rm -rf "$build"
  if ! debootstrap --variant=minbase --include="$PY,$PY-venv,ca-certificates" \
      "$SUITE" "$build" "$MIRROR" "$script" >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    die "debootstrap failed (full log: $log)."
  fi
  [ -x "$build/usr/bin/$PY" ] || die "debootstrap finished but $build/usr/bin/$PY is missing."
  touch "$build/.smm-chroot-ready"
  mv "$build" "$ROOT"
  say "chroot ready in $((SECONDS - start)) s"
}

# Run a command inside the chroot: /proc, /dev and the project (at its own path) are
# mounted in a private mount namespace that disappears with the command. Python writes no
# bytecode into the project, so the chroot's 3.14 leaves nothing for the 3.13 lane.
in_chroot() {
  local env_args=(HOME=/root LANG=C.UTF-8 PATH="$VENV/bin:/usr/local/bin:/usr/bin:/bin"
    PYTHONDONTWRITEBYTECODE=1
    SSL_CERT_FILE=/etc/ssl/certs/host-ca-bundle.crt
    PIP_CERT=/etc/ssl/certs/host-ca-bundle.crt
    PIP_DISABLE_PIP_VERSION_CHECK=1
    HYPOTHESIS_STORAGE_DIRECTORY=/var/tmp/hypothesis)
  local var
  for var in TERM COLUMNS CI GITHUB_ACTIONS PYTEST_ADDOPTS PIP_DEFAULT_TIMEOUT; do
    if [ -n "${!var:-}" ]; then env_args+=("$var=${!var}"); fi
  done
  mkdir -p "$ROOT$PROJECT"
  # shellcheck disable=SC2016  # expanded by the inner shell
  unshare --mount --propagation private /bin/bash -c '
    set -e
    root=$1 project=$2; shift 2
    mount -t proc proc "$root/proc"
    mount --rbind /dev "$root/dev"
    mount --bind "$project" "$root$project"
    exec chroot "$root" /usr/bin/env -i "$@"
  ' in_chroot "$ROOT" "$PROJECT" "${env_args[@]}" "$@"
}

# chroot_venv VENV REQS RECIPE: the venv at VENV (inside the chroot) with REQS installed,
# rebuilt only when REQS, the Python or RECIPE (bumped when the way of building changes)
# change: a stamp of them, as in scripts/setup.
chroot_venv() {
  VENV=$1
  local reqs=$2 recipe=$3
  [ -f "$reqs" ] || die "$reqs is missing."
  local py_version stamp stamp_file
  py_version=$(chroot "$ROOT" "/usr/bin/$PY" -c 'import sys; print(sys.version.split()[0])')
  stamp="$recipe $PY $py_version $(sha256sum <"$reqs" | cut -d' ' -f1)"
  stamp_file=$ROOT$VENV/.setup-stamp
  if [ "$REBUILD" != venv ] && [ "$REBUILD" != all ] && [ -f "$stamp_file" ] \
     && [ "$(cat "$stamp_file")" = "$stamp" ]; then
    return 0
  fi
  local start=$SECONDS log=$ROOT${VENV//\//.}.log
  say "installing $reqs into $VENV (Python $py_version) in the chroot (a few minutes)"
  rm -rf "${ROOT:?}$VENV"
  # shellcheck disable=SC2016  # expanded by the shell in the chroot
  if ! in_chroot /bin/bash -c '
      set -e
      "$1" -m venv "$2"
      "$2/bin/pip" install --no-input --progress-bar off -r "$3"
    ' build "$PY" "$VENV" "$PROJECT/$reqs" >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    die "installing $reqs failed (full log: $log)."
  fi
  echo "$stamp" >"$stamp_file"
  say "venv ready in $((SECONDS - start)) s"
}
