#!/usr/bin/env bash
# Put the browser assets that Solara (the app's UI, `imcsim app`) would fetch from a public CDN
# at page load into Solara's local asset cache, taken from the npm registry with npm itself.
# Needed where the network reaches only package registries (CI, classrooms behind a firewall);
# harmless elsewhere. Idempotent: packages already in the cache are skipped.
#   usage: scripts/install_app_assets.sh [PYTHON]   (default: .venv/bin/python, else python3)
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${1:-}"
if [ -z "$PY" ]; then
  if [ -x .venv/bin/python ]; then PY=.venv/bin/python; else PY=python3; fi
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "install_app_assets.sh: npm not found; install Node.js (Debian: apt-get install npm)" >&2
  exit 1
fi
# The cache folder and the package@version specs the installed Solara refers to (templates,
# Vue components, the Font Awesome setting), so the list follows Solara upgrades.
mapfile -t LINES < <("$PY" - <<'PYEOF'
import os, re, sys
from pathlib import Path
os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
import solara
from solara.server import settings
root = Path(solara.__file__).parent
print(settings.assets.proxy_cache_dir)
specs = set()
pattern = re.compile(r"(?:\{\{\s*cdn\s*\}\}|getCdn\(\)\})/((?:@[\w.-]+/)?[\w.-]+@\d[\w.-]*)/")
for sub in ("server/templates", "widgets/vue", "components"):
    for f in (root / sub).rglob("*"):
        if f.suffix in (".j2", ".vue", ".py", ".html"):
            specs.update(pattern.findall(f.read_text(encoding="utf-8", errors="ignore")))
fa = settings.assets.fontawesome_path.strip("/").split("/")[0]
if "@" in fa:
    specs.add(fa)
print("\n".join(sorted(specs)))
PYEOF
)
CACHE="${LINES[0]}"
mkdir -p "$CACHE"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
for spec in "${LINES[@]:1}"; do
  if [ -f "$CACHE/$spec/package.json" ]; then continue; fi
  echo "install_app_assets.sh: $spec -> $CACHE/$spec" >&2
  tarball="$(cd "$TMP" && npm pack "$spec" --silent --pack-destination "$TMP" 2>/dev/null | tail -1)"
  mkdir -p "$TMP/x" "$CACHE/$spec"
  tar -xzf "$TMP/$tarball" -C "$TMP/x"
  cp -a "$TMP/x/package/." "$CACHE/$spec/"
  rm -rf "$TMP/x" "$TMP/$tarball"
done
