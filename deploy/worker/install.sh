#!/usr/bin/env sh
# Installs the Agentgrid worker agent as a systemd service.
#
#   sudo ./install.sh --jar agentgrid-worker.jar --control-plane plane.example.com:50051 \
#        --agent-types coder,tester [--labels gpu=true] [--slots 4] [--token-file FILE]
#
# Creates the system user 'agentgrid', the state directory /var/lib/agentgrid-worker (the stable
# worker id lives there), the config file /etc/agentgrid/worker.properties (kept if it exists,
# so re-running upgrades the jar only), and enables and starts agentgrid-worker.service.
# Requires Java 17+ on the PATH.
set -eu

JAR=""
PLANE=""
TYPES=""
LABELS=""
SLOTS="1"
TOKEN_FILE=""
PREFIX="${PREFIX:-}"   # for testing the layout in a scratch root; empty on a real machine

usage() { sed -n '2,12p' "$0"; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --jar) JAR="$2"; shift 2 ;;
    --control-plane) PLANE="$2"; shift 2 ;;
    --agent-types) TYPES="$2"; shift 2 ;;
    --labels) LABELS="$2"; shift 2 ;;
    --slots) SLOTS="$2"; shift 2 ;;
    --token-file) TOKEN_FILE="$2"; shift 2 ;;
    -h|--help) usage ;;
    *) echo "unknown option: $1" >&2; usage ;;
  esac
done
[ -n "$JAR" ] && [ -f "$JAR" ] || { echo "--jar: the worker jar is required" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)

if [ -z "$PREFIX" ]; then
  command -v java >/dev/null || { echo "java (17+) is required on the PATH" >&2; exit 1; }
  id agentgrid >/dev/null 2>&1 || useradd --system --home-dir /var/lib/agentgrid-worker --shell /usr/sbin/nologin agentgrid
fi

install -d -m 0755 "$PREFIX/opt/agentgrid" "$PREFIX/etc/agentgrid"
install -d -m 0750 "$PREFIX/var/lib/agentgrid-worker"
install -m 0644 "$JAR" "$PREFIX/opt/agentgrid/agentgrid-worker.jar"
install -m 0755 "$here/agentgrid-worker-start" "$PREFIX/opt/agentgrid/agentgrid-worker-start"

CONFIG="$PREFIX/etc/agentgrid/worker.properties"
if [ ! -f "$CONFIG" ]; then
  [ -n "$PLANE" ] && [ -n "$TYPES" ] || { echo "--control-plane and --agent-types are required for a first install" >&2; exit 2; }
  {
    echo "# Agentgrid worker settings; keys are the long option names (see --help)."
    echo "control-plane=$PLANE"
    echo "agent-types=$TYPES"
    echo "slots=$SLOTS"
    [ -n "$LABELS" ] && echo "labels=$LABELS"
    echo "# One command per agent type, run with /bin/sh -c and the JSON-lines protocol, e.g.:"
    echo "# command.coder=/opt/agents/coder.sh"
  } > "$CONFIG"
  chmod 0644 "$CONFIG"
fi
if [ -n "$TOKEN_FILE" ]; then
  printf 'AGENTGRID_TOKEN=%s\n' "$(cat "$TOKEN_FILE")" > "$PREFIX/etc/agentgrid/worker.env"
  chmod 0600 "$PREFIX/etc/agentgrid/worker.env"
fi

install -d "$PREFIX/etc/systemd/system"
install -m 0644 "$here/agentgrid-worker.service" "$PREFIX/etc/systemd/system/agentgrid-worker.service"

if [ -z "$PREFIX" ]; then
  chown -R agentgrid:agentgrid /var/lib/agentgrid-worker
  [ -f /etc/agentgrid/worker.env ] && chown root:agentgrid /etc/agentgrid/worker.env && chmod 0640 /etc/agentgrid/worker.env
  systemctl daemon-reload
  systemctl enable --now agentgrid-worker.service
  systemctl --no-pager status agentgrid-worker.service || true
fi
echo "installed: config $CONFIG, state /var/lib/agentgrid-worker, unit agentgrid-worker.service"
if ! grep -q '^command\.' "$CONFIG"; then
  echo "NOTE: $CONFIG has no command.<type>=... line yet. Every agent type needs one (or a Java"
  echo "      TaskHandler on the classpath); until then the worker exits with code 2 and systemd"
  echo "      does not restart it. Add the lines, then: systemctl restart agentgrid-worker"
fi
