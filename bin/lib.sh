# shellcheck shell=bash
# Helpers shared by bin/demo, bin/test and .ci/run.  Source it, don't run it:
#     . "$(dirname "$0")/lib.sh"
# Everything here is idempotent: re-running only redoes work whose inputs
# changed (stamp files hold a hash of setup.cfg/pyproject.toml or of
# web/package*.json).

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=$ROOT/.venv
VAR=$ROOT/var
WEB=$ROOT/web
# sao as npm installs it: index.html with its libraries nested below it
# (see web/.npmrc).
SAO_PKG=$WEB/node_modules/tryton-sao
# trytond's [web] root, built by ensure_web (web/build.js): links to the
# files of SAO_PKG plus the project's own (the Vietnamese of sao compiled
# from web/locale/vi.po), so that nothing is changed inside node_modules.
SAO_ROOT=$VAR/sao-root
DEMO_CONF=$VAR/trytond-demo.conf
export ROOT VENV VAR WEB SAO_PKG SAO_ROOT DEMO_CONF
export DEBIAN_FRONTEND=noninteractive
export PIP_DISABLE_PIP_VERSION_CHECK=1
export PYTHONDONTWRITEBYTECODE=1

log() { printf '\n==> %s\n' "$*" >&2; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# Run as root, or through sudo when available.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null; then sudo -E "$@"
    else die "need root to run: $*"; fi
}

# Run "$@" quietly: output goes to a log under var/log/ and is shown only
# when the command fails.
quiet() {
    local name=$1; shift
    mkdir -p "$VAR/log"
    local logfile=$VAR/log/$name.log
    if ! "$@" >"$logfile" 2>&1; then
        # pip warns about find-links/index dirs missing on some machines.
        grep -v "^WARNING: Location '.*' is ignored" "$logfile" | tail -n 60 >&2
        die "'$*' failed (full log: $logfile)"
    fi
}

# Install the Debian packages among "$@" that are not installed yet.
_APT_UPDATED=
apt_install() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null \
            | grep -q 'install ok installed' || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    command -v apt-get >/dev/null || die "apt-get missing; install: ${missing[*]}"
    log "apt-get install ${missing[*]}"
    if [ -z "$_APT_UPDATED" ]; then
        quiet apt-update as_root apt-get update -q
        _APT_UPDATED=1
    fi
    quiet apt-install as_root apt-get install -y -q \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
        "${missing[@]}"
}

# Debian packages the product needs at run time: Pango for WeasyPrint (PDF
# reports) and DejaVu fonts, which carry every Vietnamese letter.
ensure_runtime_packages() {
    apt_install fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0
}

# _hash FILE...: one hash of the files that exist among FILE...
_hash() {
    local f
    for f in "$@"; do
        if [ -f "$f" ]; then echo "${f##*/}"; cat "$f"; fi
    done | sha256sum | cut -d' ' -f1
}

# ensure_venv [EXTRAS]: .venv with python3.11 and this project installed
# in editable mode (EXTRAS e.g. "test").  A venv installed with extras also
# satisfies a request without them.
ensure_venv() {
    local extras=${1:-} python spec hash stamp
    python=${PYTHON:-}
    if [ -z "$python" ]; then
        if command -v python3.11 >/dev/null; then python=python3.11
        else python=python3; fi
    fi
    if [ -x "$VENV/bin/python" ] \
            && ! "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
                2>/dev/null; then
        warn "$VENV is broken or too old: recreating"
        rm -rf "$VENV"
    fi
    if [ ! -x "$VENV/bin/python" ]; then
        "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
            || die "$python is older than 3.11"
        if ! "$python" -c 'import ensurepip, venv' 2>/dev/null; then
            apt_install python3-venv
        fi
        log "creating virtualenv $VENV ($("$python" --version))"
        "$python" -m venv "$VENV"
        quiet pip-upgrade "$VENV/bin/python" -m pip install -q -U pip setuptools wheel
    fi
    hash=$(_hash "$ROOT/setup.cfg" "$ROOT/pyproject.toml")
    stamp=$VENV/.one-stop-installed
    if [ -f "$stamp" ] && grep -qx "$hash ${extras:-base}" "$stamp"; then
        return 0
    fi
    if [ -z "$extras" ] && [ -f "$stamp" ] && grep -q "^$hash " "$stamp"; then
        return 0
    fi
    spec=.
    [ -n "$extras" ] && spec=".[$extras]"
    log "pip install -e '$spec'"
    (cd "$ROOT" && quiet pip-install "$VENV/bin/python" -m pip install -q -e "$spec")
    # one line per set of extras installed from these project files
    { grep "^$hash " "$stamp" 2>/dev/null || true
        echo "$hash ${extras:-base}"; } >"$stamp.new"
    mv -f "$stamp.new" "$stamp"
}

# ensure_web: the sao web client in web/node_modules (npm ci when the
# lock file exists, npm install otherwise), reinstalled when web/package*.json
# or web/.npmrc change; then the web root SAO_ROOT built from it and from
# web/locale/*.po, web/custom.js and web/custom.css (node web/build.js, run
# every time: it only rewrites what changed, each file atomically).  Scripts
# running at once (several bin/test) wait for each other here (flock).
ensure_web() {
    command -v npm >/dev/null || apt_install nodejs npm
    local hash stamp=$WEB/node_modules/.one-stop-installed lock
    mkdir -p "$VAR"
    exec {lock}>"$VAR/.web.lock"
    flock "$lock"
    hash=$(_hash "$WEB/package.json" "$WEB/package-lock.json" "$WEB/.npmrc")
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$hash" ] \
            || [ ! -f "$SAO_PKG/index.html" ]; then
        if [ -f "$WEB/package-lock.json" ]; then
            log "npm ci (web client sao)"
            (cd "$WEB" && quiet npm npm ci --no-audit --no-fund)
        else
            log "npm install (web client sao)"
            (cd "$WEB" && quiet npm npm install --no-audit --no-fund)
        fi
        _link_sao_deps
        echo "$hash" >"$stamp"
    fi
    quiet web-build node "$WEB/build.js" "$SAO_ROOT"
    _check_sao
    flock -u "$lock"
    exec {lock}>&-
}

# An npm without install-strategy=nested (< 9.4) hoists sao's libraries to
# web/node_modules: link them where sao's index.html looks for them.
_link_sao_deps() {
    local dep
    for dep in $(cd "$SAO_PKG" && node -e \
            'console.log(Object.keys(require("./package.json").dependencies).join(" "))'); do
        if [ ! -e "$SAO_PKG/node_modules/$dep" ] && [ -e "$WEB/node_modules/$dep" ]; then
            mkdir -p "$SAO_PKG/node_modules"
            ln -s "../../$dep" "$SAO_PKG/node_modules/$dep"
        fi
    done
}

# Every script and style sheet that sao's index.html loads must exist in the
# web root (custom.js/custom.css are optional site overrides), and so must
# the Vietnamese catalogue.
_check_sao() {
    local f bad=0
    [ -f "$SAO_ROOT/index.html" ] || die "sao not installed in $SAO_ROOT"
    for f in $(grep -o '\(src\|href\)="[^"]*\.\(js\|css\)"' "$SAO_ROOT/index.html" \
            | sed 's/^[a-z]*="//; s/"$//') locale/vi.json; do
        case $f in custom.js|custom.css) continue ;; esac
        if [ ! -f "$SAO_ROOT/$f" ]; then
            warn "sao asset missing: $SAO_ROOT/$f"
            bad=1
        fi
    done
    [ "$bad" -eq 0 ] || die "sao web client incomplete (rm -rf $WEB/node_modules and retry)"
}

# ensure_postgresql: a running local PostgreSQL cluster with a superuser
# role tryton/tryton; exports PG_PORT and TRYTOND_DATABASE__URI.  The
# cluster is the first one pg_lsclusters lists, or the one named
# ONE_STOP_PG_CLUSTER when that is set (created if missing).
ensure_postgresql() {
    if ! command -v pg_lsclusters >/dev/null \
            || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
        apt_install postgresql
    fi
    local line ver name port status want=${ONE_STOP_PG_CLUSTER:-}
    _pg_cluster_line() {
        if [ -n "$want" ]; then
            pg_lsclusters -h 2>/dev/null | awk -v n="$want" '$2 == n' | head -n 1
        else
            pg_lsclusters -h 2>/dev/null | head -n 1
        fi
    }
    line=$(_pg_cluster_line || true)
    if [ -z "$line" ]; then
        ver=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
        log "creating PostgreSQL $ver cluster ${want:-main}"
        quiet pg-createcluster as_root pg_createcluster "$ver" "${want:-main}"
        line=$(_pg_cluster_line)
    fi
    read -r ver name port status _ <<<"$line"
    if [ "${status%%,*}" != online ]; then
        log "starting PostgreSQL $ver/$name on port $port"
        quiet pg-start as_root pg_ctlcluster "$ver" "$name" start
    fi
    local i
    for i in $(seq 60); do
        pg_isready -q -h localhost -p "$port" && break
        [ "$i" -eq 60 ] && die "PostgreSQL $ver/$name not ready on port $port"
        sleep 0.5
    done
    # Idempotent: create the role or reset its password/rights.
    as_root runuser -u postgres -- psql -q -X -p "$port" -v ON_ERROR_STOP=1 \
        -d postgres >/dev/null <<'SQL'
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tryton') THEN
        CREATE ROLE tryton LOGIN SUPERUSER PASSWORD 'tryton';
    ELSE
        ALTER ROLE tryton LOGIN SUPERUSER PASSWORD 'tryton';
    END IF;
END
$$;
SQL
    export PG_PORT=$port
    export TRYTOND_DATABASE__URI=postgresql://tryton:tryton@localhost:$port/
}

# wsgi_middleware_config: the [wsgi middleware] section of every trytond
# configuration of the project: refusals of trytond answered with their
# own status (403, not 500), see addons/one_stop/http_errors.py.
wsgi_middleware_config() {
    printf '%s\n' '[wsgi middleware]' \
        'http_errors = trytond.modules.one_stop.http_errors.HTTPErrorMiddleware'
}

# LOGGING_CONF: the logging configuration of trytond (--logconf), whose
# formatter keeps the survey tokens out of every line.
LOGGING_CONF=$ROOT/etc/logging.conf
export LOGGING_CONF

# write_demo_config: var/trytond-demo.conf for the SQLite demo served with
# sao on DEMO_LISTEN (default localhost:8000).
write_demo_config() {
    mkdir -p "$VAR/db"
    cat >"$DEMO_CONF" <<EOF
# Generated by bin/lib.sh (write_demo_config): edits are overwritten.
[database]
uri = sqlite://
path = $VAR/db
language = vi

[web]
listen = ${DEMO_LISTEN:-localhost:8000}
root = $SAO_ROOT

$(wsgi_middleware_config)

[session]
# idle time (s) before the client asks for the password again
timeout = 3600

[request]
timeout = 300
EOF
}

# --- production stack (bin/production) -----------------------------------
PROD_CONF=$VAR/trytond-production.conf
export PROD_CONF

# ensure_secret FILE: print the secret kept in FILE (first line), generating
# a random one (32 bytes, URL-safe base64) the first time.  FILE is mode 0600.
ensure_secret() {
    local file=$1 python=python3
    [ -x "$VENV/bin/python" ] && python=$VENV/bin/python
    if [ ! -s "$file" ]; then
        mkdir -p "$(dirname "$file")"
        (umask 077 && "$python" -c 'import secrets; print(secrets.token_urlsafe(32))' \
            >"$file.tmp" && mv "$file.tmp" "$file")
    fi
    chmod 600 "$file"
    head -n 1 "$file"
}

# listen_in_use HOST:PORT: true when something accepts connections there.
listen_in_use() {
    (exec 3<>"/dev/tcp/${1%:*}/${1##*:}") 2>/dev/null
}

# write_production_config URI TOKEN_KEY: var/trytond-production.conf (mode
# 0600: it holds the token key) for PostgreSQL at URI, sao as [web] root,
# served on PROD_LISTEN (default localhost:8000) behind PROD_NUM_PROXIES
# (default 0) reverse proxies.  Read by gunicorn's workers (TRYTOND_CONFIG),
# trytond-cron, trytond-admin and one-stop-demo.
write_production_config() {
    local uri=$1 key=$2
    mkdir -p "$VAR/filestore"
    (umask 077 && cat >"$PROD_CONF.tmp" <<EOF2
# Generated by bin/production (write_production_config in bin/lib.sh):
# edits are overwritten.  Mode 0600: it holds the survey token key.
[database]
uri = $uri
# trytond's file store (binary fields stored outside PostgreSQL)
path = $VAR/filestore
language = vi
# don't list the databases to the clients (type the name at login)
list = False

[web]
# gunicorn binds the address itself (bin/production --listen); this is
# only used by a plain "trytond -c" on this file.
listen = ${PROD_LISTEN:-localhost:8000}
root = $SAO_ROOT
# Reverse proxies in front of gunicorn whose X-Forwarded-For/-Proto/-Host
# are trusted (werkzeug ProxyFix): 1 behind one nginx, 0 when clients
# connect directly (then the headers are ignored).
num_proxies = ${PROD_NUM_PROXIES:-0}

$(wsgi_middleware_config)

[session]
# idle seconds before the client asks for the password again
timeout = 1800
# a session lasts at most 12 hours (one working day)
max_age = 43200
# failed logins per login and per network before waiting
max_attempt = 5
max_attempt_ip_network = 300

[password]
length = 10

[request]
# seconds of a request (reports, exports); gunicorn's timeout is above it
timeout = 300

[cache]
# several worker processes: invalidate each other's caches at once through
# PostgreSQL LISTEN/NOTIFY instead of polling every 300 s
clean_timeout = 0

[public_satisfaction]
# HMAC key of the survey tokens (kept in var/production-token-key):
# see docs/operations.md before changing it
token_key = $key
EOF2
    ) && mv "$PROD_CONF.tmp" "$PROD_CONF"
    chmod 600 "$PROD_CONF"
}

# ensure_axe: axe-core, the accessibility engine of tests/test_accessibility.py,
# in tests/a11y/node_modules (npm ci of tests/a11y/package*.json, reinstalled
# when they change; no browser is downloaded: the tests drive Debian's
# Chromium).  Exports AXE_JS, the script the tests inject into the pages.
ensure_axe() {
    command -v npm >/dev/null || apt_install nodejs npm
    local dir=$ROOT/tests/a11y hash lock
    local stamp=$dir/node_modules/.one-stop-installed
    mkdir -p "$VAR"
    exec {lock}>"$VAR/.axe.lock"
    flock "$lock"
    hash=$(_hash "$dir/package.json" "$dir/package-lock.json")
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$hash" ] \
            || [ ! -f "$dir/node_modules/axe-core/axe.min.js" ]; then
        log "npm ci (axe-core for the accessibility tests)"
        (cd "$dir" && quiet npm-axe npm ci --no-audit --no-fund)
        echo "$hash" >"$stamp"
    fi
    exec {lock}>&-
    export AXE_JS=$dir/node_modules/axe-core/axe.min.js
}
