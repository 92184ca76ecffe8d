#!/usr/bin/env bash
# Does every pin of requirements.lock have a wheel for the platforms the README promises?  Asks PyPI with a clean
# pip configuration (no local wheel folders, no extra indexes), installs nothing (--dry-run), one line per platform.
#
#   scripts/check_lock_platforms.sh            (needs PyPI; run after changing the lock)
#
# --no-deps: pip evaluates environment markers for this machine even with --platform, so the dependency closure
# for another system cannot be resolved from here; what is checked is that each pinned release has a wheel there.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
MAC="macosx_14_0_arm64 macosx_13_0_arm64 macosx_12_0_arm64 macosx_11_0_arm64 macosx_11_0_universal2 macosx_10_9_universal2"
LINUX="manylinux_2_28_x86_64 manylinux_2_27_x86_64 manylinux_2_24_x86_64 manylinux_2_17_x86_64 manylinux2014_x86_64 manylinux1_x86_64"
status=0
check() {  # label python-version platform-tags...
  local label=$1 py=$2; shift 2
  local args=(); for tag in "$@"; do args+=(--platform "$tag"); done
  if env -u PIP_FIND_LINKS -u PIP_EXTRA_INDEX_URL -u PIP_INDEX_URL PIP_CONFIG_FILE=/dev/null "$PY" -m pip install \
      --dry-run --quiet --ignore-installed --no-deps --only-binary=:all: "${args[@]}" --python-version "$py" \
      --target "${TMPDIR:-/tmp}/l2angle-lock-check" -r requirements.lock >/dev/null 2>"${TMPDIR:-/tmp}/l2angle-lock-check.err"; then
    echo "ok    $label, Python $py"
  else
    echo "FAIL  $label, Python $py: $(grep -m1 ERROR "${TMPDIR:-/tmp}/l2angle-lock-check.err")"; status=1
  fi
}
for py in 3.11 3.12 3.13; do check "macOS arm64" $py $MAC; done
for py in 3.11 3.12 3.13; do check "Linux x86_64" $py $LINUX; done
exit $status
