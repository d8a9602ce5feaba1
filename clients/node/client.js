// A Node.js client of the gongkai gRPC API: Check, CheckBatch, DescribeActions and health.
// Usage: node client.js HOST:PORT REQUEST.json — prints one JSON summary line on stdout.
"use strict";

const fs = require("fs");
const path = require("path");
const grpc = require("@grpc/grpc-js");
const protoLoader = require("@grpc/proto-loader");

const PROTO_DIR = path.join(__dirname, "..", "..", "proto");
const HEALTH_PROTO = path.join(__dirname, "health.proto");

function load(file, includeDirs) {
  // keepCase: field names as in the .proto (snake_case); Struct facts arrive as plain objects.
  const definition = protoLoader.loadSync(file, {
    keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true, includeDirs,
  });
  return grpc.loadPackageDefinition(definition);
}

function call(client, method, request) {
  return new Promise((resolve, reject) => {
    const deadline = new Date(Date.now() + 30000);
    client[method](request, { deadline }, (error, reply) => (error ? reject(error) : resolve(reply)));
  });
}

// google.protobuf.Struct from a plain object. protobufjs describes the well-known types
// itself, with camelCase field names even when keepCase is set for our own messages.
function toStruct(object) {
  const value = (v) => {
    if (v === null) return { nullValue: "NULL_VALUE" };
    if (Array.isArray(v)) return { listValue: { values: v.map(value) } };
    if (typeof v === "object") return { structValue: toStruct(v) };
    if (typeof v === "boolean") return { boolValue: v };
    if (typeof v === "number") return { numberValue: v };
    return { stringValue: String(v) };
  };
  const fields = {};
  for (const [k, v] of Object.entries(object)) fields[k] = value(v);
  return { fields };
}

async function main() {
  const [address, requestFile] = process.argv.slice(2);
  const gongkai = load(path.join(PROTO_DIR, "gongkai", "v1", "gongkai.proto"), [PROTO_DIR]).gongkai.v1;
  const health = load(HEALTH_PROTO, [__dirname]).grpc.health.v1;
  const credentials = grpc.credentials.createInsecure();
  const client = new gongkai.Compliance(address, credentials);
  const healthClient = new health.Health(address, credentials);

  const raw = JSON.parse(fs.readFileSync(requestFile, "utf8"));
  const request = { ...raw, facts: toStruct(raw.facts) };
  const status = await call(healthClient, "Check", { service: "gongkai.v1.Compliance" });
  const decision = await call(client, "Check", request);
  const broken = { ...request, action: "no_such_action" };
  const batch = await call(client, "CheckBatch", { requests: [request, broken] });
  const actions = await call(client, "DescribeActions", {});
  const schema = JSON.parse(actions.actions.find((a) => a.kind === raw.action).facts_schema);
  console.log(JSON.stringify({
    health: status.status,
    outcome: decision.outcome,
    rules: decision.findings.map((f) => f.rule_id),
    due: decision.obligations.map((o) => o.due_on),
    batch: batch.results.map((r) => (r.decision ? r.decision.outcome : `${r.error.code}:${r.error.field}`)),
    action_kinds: actions.actions.length,
    schema_has_received_on: Boolean(schema.properties && schema.properties.received_on),
  }));
  client.close();
  healthClient.close();
}

main().catch((error) => {
  console.error(`gongkai node client: ${error.message}`);
  process.exit(1);
});
