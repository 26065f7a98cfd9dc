#!/usr/bin/env bash
# Sets up everything the assistant and its tests need on a fresh machine, and skips what is done:
#   1. a Python 3.10 interpreter (Rasa 3.6 runs on <3.11) and .venv/ with the project installed;
#   2. Debian's redis-server when it is missing;
#   3. the Rasa model in models/, trained only when dialogue/ or nlu_data/ changed;
#   4. with --test: what the tests drive besides Redis (Debian's haproxy, chromium, chromium-driver).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

find_python310() {
    local candidates=()
    [ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
    command -v python3.10 >/dev/null 2>&1 && candidates+=("$(command -v python3.10)")
    if command -v pyenv >/dev/null 2>&1; then
        candidates+=("$(pyenv root)"/versions/3.10.*/bin/python3.10)
    fi
    candidates+=("$HOME"/.pyenv/versions/3.10.*/bin/python3.10 /usr/bin/python3.10 /usr/local/bin/python3.10)
    local py
    for py in "${candidates[@]}"; do
        # pyenv shims exist even when the version is not installed, so ask the interpreter itself.
        if [ -x "$py" ] && "$py" -c 'import sys, venv; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1; then
            echo "$py"; return 0
        fi
    done
    return 1
}

setup_venv() {
    if [ -x .venv/bin/python ] && ! .venv/bin/python -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then
        say "removing .venv: it is not Python 3.10"
        rm -rf .venv
    fi
    if [ ! -x .venv/bin/python ]; then
        local py
        py=$(find_python310) || die "Python 3.10 not found (Rasa 3.6 needs >=3.8,<3.11). Install it, e.g. 'pyenv install 3.10' or 'apt-get install python3.10 python3.10-venv', or set PYTHON=/path/to/python3.10."
        say "creating .venv with $py"
        "$py" -m venv .venv
    fi
    local stamp=.venv/.installed-pyproject
    local want
    want=$(sha256sum pyproject.toml | cut -d' ' -f1)
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        say "installing the project and its dependencies (first time: several minutes)"
        .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade 'pip<24.1' 'setuptools<70' wheel
        .venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
        .venv/bin/python -m pip check
        echo "$want" > "$stamp"
    fi
}

# apt_install PACKAGE COMMAND...: installs Debian's PACKAGE when one of the COMMANDs is missing.
apt_install() {
    local package=$1 missing="" command
    shift
    for command in "$@"; do command -v "$command" >/dev/null 2>&1 || missing=1; done
    [ -z "$missing" ] && return 0
    say "$* not found: installing Debian's $package"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo -n"
    if command -v apt-get >/dev/null 2>&1 && $sudo true 2>/dev/null; then
        [ -n "${APT_UPDATED:-}" ] || { $sudo apt-get update -qq && APT_UPDATED=1; }
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $package >/dev/null
        # Debian's packages may start system-wide servers; we run our own per project, so stop them.
        $sudo systemctl disable --now redis-server haproxy >/dev/null 2>&1 || true
    fi
    for command in "$@"; do
        command -v "$command" >/dev/null 2>&1 || die "$command is missing and could not be installed. Install it (e.g. 'sudo apt-get install $package') and run again."
    done
}

setup_redis() {
    apt_install redis-server redis-server
}

setup_test_tools() {
    apt_install "haproxy chromium chromium-driver" haproxy chromium chromedriver
}

setup_model() {
    .venv/bin/python -m bot.local.train
}

setup_venv
setup_redis
setup_model
[ "${1:-}" = "--test" ] && setup_test_tools
say "ready"
