// Validate Kubernetes custom resources (Argo Rollouts, External Secrets, Prometheus Operator,
// cert-manager) against the schemas of their CRDs, offline.
//
// The schemas come from the npm packages @kubernetes-models/* that scripts/setup installs into
// .tools/k8s-models (never committed). Their validators check types, required fields and enums but
// accept unknown fields; this script also reports every field the schema never reads (a typo such as
// `autoPromotonEnabled` would otherwise pass), by watching which keys the validator looks at.
//
// Input (stdin): a JSON array of objects. Output (stdout): a JSON array, one entry per object:
//   {"schema": <schema module or null when no package knows the kind>, "errors": [...], "unknown": [...]}
// `--version` prints the model packages and their versions.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const models = process.env.LAUNCHBAY_CRD_MODELS || join(here, "..", ".tools", "k8s-models");
const scope = join(models, "node_modules", "@kubernetes-models");

function packages() {
  return existsSync(scope) ? readdirSync(scope).sort() : [];
}

if (process.argv.includes("--version")) {
  const found = packages().map((pkg) => {
    const meta = JSON.parse(readFileSync(join(scope, pkg, "package.json"), "utf8"));
    return `${meta.name}@${meta.version}`;
  });
  if (found.length === 0) {
    process.stderr.write(`no @kubernetes-models packages in ${models}\n`);
    process.exit(1);
  }
  process.stdout.write(`k8s-crd-validate 1.0 (${found.join(", ")})\n`);
  process.exit(0);
}

// The schema module of apiVersion/kind: <package>/<group>/<version>/<Kind>.js imports it.
function schemaModule(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  if (!group || !version || !/^[A-Za-z0-9]+$/.test(kind)) return null;
  for (const pkg of packages()) {
    const file = join(scope, pkg, group, version, `${kind}.js`);
    if (!existsSync(file)) continue;
    const match = readFileSync(file, "utf8").match(/from"(\.\.\/\.\.\/_schemas\/[^"]+\.js)"/);
    if (match) return join(scope, pkg, group, version, match[1]);
  }
  return null;
}

// A copy of `value` whose objects record the keys a validator reads.
function watched(value, path, seen) {
  if (value === null || typeof value !== "object") return value;
  const record = { path, keys: Array.isArray(value) ? null : Object.keys(value), read: new Set(), listed: false };
  seen.push(record);
  const copy = Array.isArray(value)
    ? value.map((item, i) => watched(item, `${path}/${i}`, seen))
    : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, watched(v, `${path}/${k}`, seen)]));
  const note = (key) => { if (typeof key === "string") record.read.add(key); };
  return new Proxy(copy, {
    get(target, key, receiver) { note(key); return Reflect.get(target, key, receiver); },
    has(target, key) { note(key); return Reflect.has(target, key); },
    getOwnPropertyDescriptor(target, key) { note(key); return Reflect.getOwnPropertyDescriptor(target, key); },
    // A map (labels, annotations) or free-form object is walked whole: all its keys are allowed.
    ownKeys(target) { record.listed = true; return Reflect.ownKeys(target); },
  });
}

const docs = JSON.parse(readFileSync(0, "utf8"));
const results = [];
for (const doc of docs) {
  const mod = schemaModule(String(doc?.apiVersion ?? ""), String(doc?.kind ?? ""));
  if (!mod) {
    results.push({ schema: null, errors: [], unknown: [] });
    continue;
  }
  const { validate } = await import(pathToFileURL(mod).href);
  const seen = [];
  const ok = validate(watched(doc, "", seen));
  const errors = ok ? [] : (validate.errors ?? []).map(
    (e) => `${e.instancePath || "/"}: ${e.keyword} ${JSON.stringify(e.params)}`);
  const unknown = [];
  for (const record of seen) {
    // An object whose keys the schema never looks at is free-form (x-kubernetes-preserve-unknown-fields).
    if (!record.keys || record.listed || record.read.size === 0) continue;
    for (const key of record.keys) if (!record.read.has(key)) unknown.push(`${record.path}/${key}`);
  }
  results.push({ schema: mod.split("/_schemas/")[1].replace(/\.js$/, ""), errors, unknown });
}
process.stdout.write(JSON.stringify(results));
