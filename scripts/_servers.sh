# shellcheck shell=bash
# Shared helpers of scripts/elasticsearch and scripts/postgres; sourced, not run.
# Every message goes to stderr: stdout carries only the URL the scripts print last.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Everything the servers download, unpack or write lives here (git-ignored).
# shellcheck disable=SC2034  # used by the scripts that source this file
SERVERS_DIR="${REPO_ROOT}/.servers"

log() { printf '%s: %s\n' "${SCRIPT_NAME}" "$*" >&2; }
die() {
  printf '%s: error: %s\n' "${SCRIPT_NAME}" "$*" >&2
  exit 1
}

is_root() { [ "$(id -u)" = 0 ]; }

# as_user USER CMD...: runs CMD as USER when we are root and USER is not root; as ourselves otherwise.
as_user() {
  local user="$1"
  shift
  if is_root && [ "${user}" != root ]; then
    runuser -u "${user}" -- "$@"
  else
    "$@"
  fi
}

# need COMMAND PACKAGE: makes sure COMMAND exists; as root installs Debian's PACKAGE when missing.
need() {
  command -v "$1" >/dev/null 2>&1 && return 0
  if ! is_root || ! command -v apt-get >/dev/null 2>&1; then
    die "$1 is needed: install it (Debian: sudo apt-get install -y $2)"
  fi
  log "installing Debian's $2 (for $1)"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >&2
  command -v "$1" >/dev/null 2>&1 || die "installed $2 but there is still no $1"
}

# require_traversable USER DIR: fails with a clear message when USER cannot reach DIR (a server
# run as a service user needs every parent folder of the checkout to be searchable by it).
require_traversable() {
  local user="$1" dir="$2"
  if ! as_user "${user}" test -x "${dir}"; then
    die "user '${user}' cannot reach ${dir}: make its parent folders searchable (chmod o+x) \
or put the checkout somewhere else"
  fi
}

# print_log_tail FILE [LINES]: the end of a server's log, to stderr, after a failure.
print_log_tail() {
  local file="$1" lines="${2:-60}"
  if [ -r "${file}" ]; then
    printf '%s: ---- last %s lines of %s ----\n' "${SCRIPT_NAME}" "${lines}" "${file}" >&2
    tail -n "${lines}" "${file}" >&2 || true
    printf '%s: ---- end of %s ----\n' "${SCRIPT_NAME}" "${file}" >&2
  else
    log "no log at ${file}"
  fi
}

# pid_alive PIDFILE: true when PIDFILE names a running process.
pid_alive() {
  local pidfile="$1" pid
  [ -s "${pidfile}" ] || return 1
  pid="$(tr -dc '0-9' <"${pidfile}")"
  [ -n "${pid}" ] && kill -0 "${pid}" 2>/dev/null
}

# lock NAME: holds .servers/.NAME.lock (fd 9) until the script exits, so that two starts at once
# (parallel test workers) do not race. Commands that leave a daemon behind must close fd 9 (9>&-),
# or the daemon would hold the lock.
lock() {
  mkdir -p "${SERVERS_DIR}"
  if { exec 9>>"${SERVERS_DIR}/.$1.lock"; } 2>/dev/null; then
    flock -w 600 9 || die "another ${SCRIPT_NAME} still runs after 600 s (lock ${SERVERS_DIR}/.$1.lock)"
  fi
}

usage_exit() {
  printf 'usage: %s [start|stop|status|url]   (default: start)\n' "${SCRIPT_NAME}" >&2
  exit 2
}
