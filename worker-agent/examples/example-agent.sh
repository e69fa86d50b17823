#!/bin/sh
# example-agent.sh: a complete Agentgrid command agent in POSIX sh (needs only sh, cat, printf and
# sleep). It shows every part of the JSON-lines protocol the worker speaks with command agents:
#
#   stdin  line 1        the task: {"agentgrid":"task","task_id":...,"input":{...},...}
#   stdin  later lines   {"agentgrid":"hitl_answer",...} and {"agentgrid":"user_message",...}
#   stdout               protocol lines (JSON objects with an "agentgrid" field) or plain output
#   stderr               plain output (the tail becomes the error message if the agent fails)
#
# Run it from a worker:
#   java -jar agentgrid-worker.jar --control-plane localhost:50051 --agent-types demo \
#        --command "demo=sh /opt/agentgrid/example-agent.sh"
#
# Try it by hand (type an answer line when it asks):
#   printf '%s\n' '{"agentgrid":"task","task_id":"t1","attempt":1,"input":{"ask":true}}' \
#     '{"agentgrid":"hitl_answer","id":"q1","action":"approve","content":"go"}' | sh example-agent.sh
#
# Set EXAMPLE_AGENT_PAUSE (seconds) to make each stage take a while, to watch progress live.

set -u
pause="${EXAMPLE_AGENT_PAUSE:-0}"

# The task is always the first line. This agent only looks for "ask":true in it; a real agent
# would parse it with a JSON tool of its language.
if ! IFS= read -r task; then
  echo "example-agent: no task on stdin" >&2
  exit 2
fi

# progress PERCENT STAGE MESSAGE  (stage and message must not contain double quotes)
progress() {
  printf '{"agentgrid":"progress","percent":%s,"stage":"%s","message":"%s"}\n' "$1" "$2" "$3"
}

progress 0 start "task ${AGENTGRID_TASK_ID:-?} attempt ${AGENTGRID_ATTEMPT:-?}"
echo "Hello from the example agent (agent type ${AGENTGRID_AGENT_TYPE:-?})."
echo "Working directory: $(pwd)"
sleep "$pause"

# Agent message deltas: what an LLM agent streams as it writes its reply.
progress 25 thinking "writing a plan"
printf '{"agentgrid":"message","text":"Here is my plan: "}\n'
printf '{"agentgrid":"message","text":"read the task, do the work, report.\\n","done":true}\n'
sleep "$pause"

# An artifact from a file in the working directory (the worker deletes the directory afterwards).
cat > plan.md <<PLAN
# Plan for task ${AGENTGRID_TASK_ID:-?}

1. Read the task.
2. Do the work.
3. Report the result.
PLAN
printf '{"agentgrid":"artifact","name":"plan.md","type":"plan","media_type":"text/markdown","path":"plan.md"}\n'
progress 50 planned "published plan.md"

# Ask a human when the task input says "ask": true, then wait for the answer on stdin.
action="none"
content=""
case "$task" in
  *'"ask":true'* | *'"ask": true'*)
    progress 60 waiting "asking a human"
    printf '{"agentgrid":"hitl","id":"q1","question":"Shall I carry out plan.md?","options":["approve","reject"],"payload":{"artifact":"plan.md"}}\n'
    while IFS= read -r line; do
      case "$line" in
        *'"agentgrid":"hitl_answer"'*'"id":"q1"'*)
          case "$line" in
            *'"action":"approve"'*) action="approve" ;;
            *'"action":"reject"'*) action="reject" ;;
            *'"action":"amend"'*) action="amend" ;;
          esac
          # The content up to its first double quote; enough for a demo.
          content="${line#*\"content\":\"}"
          content="${content%%\"*}"
          break
          ;;
        *'"agentgrid":"user_message"'*)
          echo "A user wrote: $line"
          ;;
      esac
    done
    echo "The human answered: $action $content"
    ;;
esac

if [ "$action" = "reject" ]; then
  printf '{"agentgrid":"result","error":"a human rejected the plan","retryable":false}\n'
  exit 0
fi

progress 90 working "doing the work"
sleep "$pause"
echo "Work done."
progress 100 done "finished"
printf '{"agentgrid":"result","output":{"status":"done","answer":"%s"}}\n' "$action"
