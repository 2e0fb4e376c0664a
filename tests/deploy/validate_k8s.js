// Validates every Kubernetes manifest in the folders given against the Kubernetes API schemas
// (kubernetes-models, offline), plus the rules a schema does not state that our Job relies on.
// Exit 0: all valid; 1: a manifest is invalid (each problem printed); 2: bad usage.
'use strict';
const fs = require('fs');
const path = require('path');
const yaml = require('js-yaml');

// kubernetes-models is an ES module: loaded with import().
const models = {
  'v1/Secret': async () => (await import('kubernetes-models/v1')).Secret,
  'v1/ConfigMap': async () => (await import('kubernetes-models/v1')).ConfigMap,
  'batch/v1/Job': async () => (await import('kubernetes-models/batch/v1')).Job,
};

async function check(file, doc, problems) {
  const key = `${doc.apiVersion}/${doc.kind}`;
  const model = models[key];
  if (!model) return problems.push(`${file}: ${key} has no schema here`);
  try {
    const Model = await model();
    new Model(doc).validate();
  } catch (e) {
    problems.push(`${file}: ${key} ${doc.metadata && doc.metadata.name}: ${e.message}`);
  }
  if (doc.kind !== 'Job') return;
  const spec = doc.spec.template.spec;
  const c = spec.containers[0];
  if (!(doc.spec.parallelism > 1)) problems.push(`${file}: parallelism must be above 1`);
  const url = (c.env || []).find((e) => e.name === 'DATASTORE_URL');
  if (!url || !url.valueFrom || !url.valueFrom.secretKeyRef)
    problems.push(`${file}: DATASTORE_URL must come from a Secret`);
  if (!c.args.includes('$(DATASTORE_URL)')) problems.push(`${file}: --datastore not from the Secret`);
  if (!(c.resources && c.resources.requests && c.resources.requests.memory))
    problems.push(`${file}: no memory request`);
  const mounts = (c.volumeMounts || []).map((m) => m.name);
  for (const v of spec.volumes || [])
    if (!mounts.includes(v.name)) problems.push(`${file}: volume ${v.name} is not mounted`);
  if (!(spec.volumes || []).some((v) => v.configMap)) problems.push(`${file}: no ConfigMap volume`);
}

async function main(dirs) {
  if (dirs.length === 0) {
    console.error('usage: validate_k8s.js FOLDER...');
    return 2;
  }
  const problems = [];
  let count = 0;
  for (const dir of dirs)
    for (const name of fs.readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort()) {
      const file = path.join(dir, name);
      for (const doc of yaml.loadAll(fs.readFileSync(file, 'utf8'))) {
        if (!doc) continue;
        ++count;
        await check(file, doc, problems);
      }
    }
  for (const p of problems) console.error(p);
  console.log(`${count} manifests, ${problems.length} problems`);
  return problems.length || count === 0 ? 1 : 0;
}

main(process.argv.slice(2)).then((rc) => process.exit(rc));
