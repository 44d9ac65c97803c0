#!/usr/bin/env bash
# Walks through a first delivery against a running docpush: creates a user, a push connection to
# the local listener (scripts/listener.ts on port 8787), a document record, records an event, and
# prints the push log. A second run reuses the connection. Needs DOCPUSH_KEY (the admin key printed on first start). The server must
# have been started with DOCPUSH_ALLOW_HTTP=true DOCPUSH_ALLOWED_CIDRS=127.0.0.0/8, because the
# listener is plain HTTP on a loopback address, which docpush rejects by default.
set -euo pipefail
shopt -s inherit_errexit

API="${DOCPUSH_URL:-http://127.0.0.1:4000/graphql}"
LISTENER="${LISTENER_URL:-http://127.0.0.1:8787/webhook}"
: "${DOCPUSH_KEY:?set DOCPUSH_KEY to the admin API key printed on first start}"

# gql QUERY [VARIABLES_JSON] prints the JSON response and fails on GraphQL errors.
gql() {
  local body
  body=$(node -e 'process.stdout.write(JSON.stringify({ query: process.argv[1], variables: JSON.parse(process.argv[2] || "{}") }))' "$1" "${2:-}")
  local response
  response=$(curl -sS "$API" -H 'content-type: application/json' -H "authorization: Bearer $DOCPUSH_KEY" -d "$body")
  if node -e 'const r = JSON.parse(process.argv[1]); process.exit(r.errors ? 1 : 0)' "$response"; then
    echo "$response"
  else
    echo "GraphQL error: $response" >&2
    exit 1
  fi
}

# pick JSON PATH prints one value of a JSON document, e.g. pick "$json" data.createUser.id
pick() {
  node -e 'let v = JSON.parse(process.argv[1]); for (const k of process.argv[2].split(".")) v = v[k]; process.stdout.write(String(v))' "$1" "$2"
}

user=$(gql 'mutation($input: CreateUserInput!) { createUser(input: $input) { id } }' \
  "{\"input\":{\"name\":\"Jana Novak\",\"email\":\"jana+$(date +%s)@example.com\",\"position\":\"Counsel\"}}")
user_id=$(pick "$user" data.createUser.id)
echo "created user $user_id"

# A second run reuses the connection of the first, so the listener gets each event once and keeps
# verifying signatures with the secret the first run printed.
existing=$(gql 'query { pushConnections(first: 100) { edges { node { id name url } } } }' |
  node -e 'let s = ""; process.stdin.on("data", (c) => (s += c)).on("end", () => {
    const found = JSON.parse(s).data.pushConnections.edges.map((e) => e.node).find((n) => n.name === "Local listener" && n.url === process.argv[1]);
    process.stdout.write(found ? found.id : "");
  })' "$LISTENER")
if [[ -n "$existing" ]]; then
  connection_id="$existing"
  echo "reusing push connection $connection_id; its signing secret was printed when it was created"
else
  connection=$(gql 'mutation($input: CreatePushConnectionInput!) { createPushConnection(input: $input) { id systemName signingSecret } }' \
    "{\"input\":{\"name\":\"Local listener\",\"url\":\"$LISTENER\",\"eventTypes\":[\"DocumentRecordCreated\",\"SignCompleted\"],\"headers\":[{\"name\":\"X-Actor\",\"value\":\"{{LEGITO.currentUser.email}}\"}]}}")
  connection_id=$(pick "$connection" data.createPushConnection.id)
  echo "created push connection $connection_id; signing secret: $(pick "$connection" data.createPushConnection.signingSecret)"
fi

gql 'mutation($id: ID!) { enablePushConnection(id: $id) { id enabled } }' "{\"id\":\"$connection_id\"}" >/dev/null
echo "enabled push connection $connection_id"

record=$(gql 'mutation($input: CreateDocumentRecordInput!) { createDocumentRecord(input: $input) { id code } }' \
  "{\"input\":{\"name\":\"Service Agreement\",\"authorId\":\"$user_id\"}}")
record_id=$(pick "$record" data.createDocumentRecord.id)
echo "created document record $record_id (pushes DocumentRecordCreated)"

event=$(gql 'mutation($input: RecordDocumentEventInput!) { recordDocumentEvent(input: $input) { event { id type } pushMessageIds } }' \
  "{\"input\":{\"documentRecordId\":\"$record_id\",\"type\":\"SignCompleted\",\"authorId\":\"$user_id\"}}")
echo "recorded SignCompleted: $(pick "$event" data.recordDocumentEvent.pushMessageIds)"

sleep 1
echo "push log of connection $connection_id:"
gql 'query($filter: PushLogFilter) { pushLogs(filter: $filter) { totalCount edges { node { messageId eventType attempt responseCode outcome durationMs responseError } } } }' \
  "{\"filter\":{\"connectionId\":\"$connection_id\"}}" | node -e 'let s = ""; process.stdin.on("data", (c) => (s += c)).on("end", () => console.log(JSON.stringify(JSON.parse(s).data.pushLogs, null, 2)))'
