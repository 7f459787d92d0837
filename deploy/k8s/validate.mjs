// Checks each manifest of deploy/k8s against Kubernetes' own JSON schemas (those the npm package
// kubernetes-models generates from Kubernetes' OpenAPI document), and that prometheus-adapter's
// rule is well-formed YAML with the fields the adapter reads. Run by deploy/validate.sh, which
// installs the packages and sets VALIDATE_MODULES to their node_modules directory.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const modules = process.env.VALIDATE_MODULES;
if (!modules) throw new Error("VALIDATE_MODULES is not set: run deploy/validate.sh");
const load = (path) => import(pathToFileURL(join(modules, path)).href);
const { parseAllDocuments, parse } = await load("yaml/dist/index.js");

const dir = new URL(".", import.meta.url).pathname;
let failures = 0;
for (const file of readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort()) {
  for (const doc of parseAllDocuments(readFileSync(join(dir, file), "utf8"))) {
    if (doc.errors.length) {
      console.log(`${file}: not valid YAML: ${doc.errors[0].message}`);
      failures++;
      continue;
    }
    const obj = doc.toJS();
    // "apps/v1" -> kubernetes-models/apps/v1/Kind.js; "v1" (the core group) -> kubernetes-models/v1/Kind.js
    const model = `kubernetes-models/${obj.apiVersion}/${obj.kind}.js`;
    let Kind;
    try {
      Kind = (await load(model))[obj.kind];
    } catch (e) {
      console.log(`${file}: no schema for ${obj.apiVersion} ${obj.kind}`);
      failures++;
      continue;
    }
    try {
      new Kind(obj).validate();
      console.log(`${file}: ${obj.apiVersion} ${obj.kind} ${obj.metadata.name}: valid`);
    } catch (e) {
      console.log(`${file}: ${obj.apiVersion} ${obj.kind} ${obj.metadata?.name}: ${e.message}`);
      failures++;
    }
    if (obj.kind === "ConfigMap" && obj.data?.["config.yaml"]) {
      const rules = parse(obj.data["config.yaml"]).rules ?? [];
      const bad = rules.filter((r) => !r.seriesQuery || !r.metricsQuery || !r.resources || !r.name?.as);
      console.log(`${file}: prometheus-adapter config: ${rules.length} rule(s)${bad.length ? ", incomplete: " + bad.length : ", each with seriesQuery, resources, name.as and metricsQuery"}`);
      if (!rules.length || bad.length) failures++;
    }
  }
}
if (failures) {
  console.log(`${failures} problem(s)`);
  process.exit(1);
}
