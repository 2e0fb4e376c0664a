#!/usr/bin/env node
// Validates SARIF files the way downstream consumers will read them.
//
//   node tests/sarif/validate_sarif.js [options] FILE.sarif [FILE.sarif ...]
//
// Two independent checks, both from packages pinned in tests/sarif/package-lock.json
// (install once with `npm ci --prefix tests/sarif`; this script never installs anything):
//
//  1. JSON-schema validation with ajv against the SARIF 2.1.0 schema shipped in
//     @microsoft/sarif-multitool-<platform> (sarif-2.1.0.json). The Ajv class is chosen from the
//     schema's own "$schema" (draft-04, draft-06/07, 2019-09 or 2020-12). Microsoft's copy drops the
//     OASIS schema's `region` constraint (a region needs startLine, charOffset or byteOffset);
//     it is put back here so the check is at least as strict as the OASIS errata01 schema.
//  2. `Sarif.Multitool validate` (Microsoft's SARIF SDK validator) with the SARIF rules and the
//     GitHub Advanced Security rules (--rule-kind "Sarif;Ghas"), one process per file. Any
//     error-level result or error-level tool notification fails the file; warnings are printed
//     (once per rule unless --verbose). The multitool exits 0 even when it reports errors, so its
//     own SARIF output is what is read here.
//
// Exit status: 0 if every file passed every check that ran, 1 if any file is invalid,
// 2 on usage errors or missing tools. With --expect-invalid: 0 only if every file is invalid.
//
// Options:
//   --schema PATH        validate against this JSON schema instead of the multitool's copy
//   --no-multitool       skip check 2 (ajv only)
//   --require-multitool  fail (exit 2) instead of skipping check 2 when the multitool is absent
//   --rule-kind KINDS    multitool rule kinds (default "Sarif;Ghas")
//   --strict-warnings    also fail on multitool warning-level results
//   --expect-invalid     invert the verdict: succeed only if every file is rejected
//   --json-report PATH   write {"file": ["problem", ...], ...} for every file
//   --verbose            also print every multitool warning and note
//   --quiet              print only failures
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');

const HERE = __dirname;

function usage(msg) {
  if (msg) console.error(`validate_sarif: ${msg}`);
  console.error('usage: node tests/sarif/validate_sarif.js [--schema PATH] [--no-multitool] ' +
                '[--require-multitool] [--rule-kind KINDS] [--strict-warnings] [--expect-invalid] ' +
                '[--json-report PATH] [--verbose|--quiet] FILE...');
  process.exit(2);
}

function parseArgs(argv) {
  const o = { files: [], schema: null, multitool: true, requireMultitool: false,
              ruleKind: 'Sarif;Ghas', strictWarnings: false, expectInvalid: false,
              jsonReport: null, quiet: false, verbose: false };
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    const next = () => (i + 1 < argv.length ? argv[++i] : usage(`${a} needs a value`));
    if (a === '--schema') o.schema = next();
    else if (a === '--no-multitool') o.multitool = false;
    else if (a === '--require-multitool') o.requireMultitool = true;
    else if (a === '--rule-kind') o.ruleKind = next();
    else if (a === '--strict-warnings') o.strictWarnings = true;
    else if (a === '--expect-invalid') o.expectInvalid = true;
    else if (a === '--json-report') o.jsonReport = next();
    else if (a === '--quiet' || a === '-q') o.quiet = true;
    else if (a === '--verbose' || a === '-v') o.verbose = true;
    else if (a === '--help' || a === '-h') usage();
    else if (a.startsWith('-')) usage(`unknown option ${a}`);
    else o.files.push(a);
  }
  if (o.files.length === 0) usage('no SARIF file given');
  return o;
}

function tryRequire(id) {
  try {
    return require(require.resolve(id, { paths: [HERE] }));
  } catch (e) {
    if (e.code === 'MODULE_NOT_FOUND') return null;
    throw e;
  }
}

function missingTools(what) {
  console.error(`validate_sarif: ${what} is not installed; run: npm ci --prefix tests/sarif`);
  process.exit(2);
}

// The platform package of @microsoft/sarif-multitool holds both the binary and sarif-2.1.0.json.
function multitoolDir() {
  const pkgs = [`@microsoft/sarif-multitool-${process.platform}`,
                '@microsoft/sarif-multitool-linux', '@microsoft/sarif-multitool-darwin',
                '@microsoft/sarif-multitool-win32'];
  for (const p of pkgs) {
    try {
      return path.dirname(require.resolve(`${p}/package.json`, { paths: [HERE] }));
    } catch (e) { /* try the next one */ }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Check 1: ajv

function ajvFor(schema) {
  const draft = String(schema.$schema || '');
  let Ajv;
  let label;
  if (/draft-04/.test(draft)) {
    Ajv = tryRequire('ajv-draft-04');
    label = 'draft-04';
    if (!Ajv) missingTools('ajv-draft-04');
  } else if (/2020-12/.test(draft)) {
    Ajv = tryRequire('ajv/dist/2020');
    label = '2020-12';
  } else if (/2019-09/.test(draft)) {
    Ajv = tryRequire('ajv/dist/2019');
    label = '2019-09';
  } else if (/draft-0[67]/.test(draft) || draft === '') {
    Ajv = tryRequire('ajv');
    label = draft.includes('06') ? 'draft-06' : 'draft-07';
  } else {
    usage(`schema declares unsupported $schema ${draft}`);
  }
  if (!Ajv) missingTools('ajv');
  Ajv = Ajv.default || Ajv;
  const addFormats = tryRequire('ajv-formats');
  if (!addFormats) missingTools('ajv-formats');
  // strict:false: the SARIF schemas use `required` inside anyOf branches without repeating the
  // property definitions, which ajv's strict mode rejects; it changes no validation result.
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true });
  if (label === 'draft-06') ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json'));
  (addFormats.default || addFormats)(ajv);
  return { ajv, label };
}

function loadSchema(o) {
  let file = o.schema;
  if (!file) {
    const dir = multitoolDir();
    if (!dir) missingTools('@microsoft/sarif-multitool (it ships sarif-2.1.0.json)');
    file = path.join(dir, 'sarif-2.1.0.json');
  }
  const schema = JSON.parse(fs.readFileSync(file, 'utf8'));
  const notes = [];
  // OASIS errata01 (sarif-schema-2.1.0.json) requires every region to say where it starts.
  const region = schema.definitions && schema.definitions.region;
  if (region && !region.anyOf && !region.oneOf) {
    region.anyOf = [{ required: ['startLine'] }, { required: ['charOffset'] },
                    { required: ['byteOffset'] }];
    notes.push('added the OASIS region anyOf(startLine|charOffset|byteOffset)');
  }
  return { file, schema, notes };
}

function ajvCheck(validate, doc) {
  if (validate(doc)) return [];
  return validate.errors.map((e) => {
    const where = e.instancePath || '(root)';
    const extra = e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : '';
    return `${where}: ${e.message}${extra} [schema ${e.schemaPath}]`;
  });
}

// ---------------------------------------------------------------------------------------------
// Check 2: Sarif.Multitool validate

function formatMessage(msg, rule) {
  if (!msg) return '';
  let text = msg.text || msg.markdown;
  if (!text && msg.id && rule && rule.messageStrings && rule.messageStrings[msg.id]) {
    text = rule.messageStrings[msg.id].text;
  }
  if (!text) text = msg.id || '';
  const args = msg.arguments || [];
  return text.replace(/\{(\d+)\}/g, (m, n) => (n < args.length ? args[n] : m));
}

function runProcess(binary, args, env) {
  return new Promise((resolve) => {
    const child = spawn(binary, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    child.on('error', (error) => resolve({ status: null, error, output }));
    child.on('close', (status) => resolve({ status, error: null, output }));
  });
}

// Runs `Sarif.Multitool validate` on one file. Returns {failures, others}. One process per file:
// given several files at once, multitool 5.7.0 silently drops some files' results.
async function multitoolOne(binary, file, o) {
  const failures = [];
  const others = [];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'reachscan-sarif-'));
  const out = path.join(tmp, 'validation.sarif');
  try {
    const args = ['validate', file, '--output', out, '--log', 'ForceOverwrite',
                  '--rule-kind', o.ruleKind, '--level', 'Error;Warning;Note', '--threads', '1',
                  '--config', path.join(HERE, 'multitool-config.xml')];
    const env = Object.assign({}, process.env);
    // The self-contained .NET binary aborts without libicu unless told to use invariant culture.
    if (env.DOTNET_SYSTEM_GLOBALIZATION_INVARIANT === undefined) {
      env.DOTNET_SYSTEM_GLOBALIZATION_INVARIANT = '1';
    }
    env.DOTNET_CLI_TELEMETRY_OPTOUT = '1';
    const r = await runProcess(binary, args, env);
    const console40 = () => r.output.trim().split('\n').slice(0, 40).join('\n');
    if (r.error) return { failures: [`could not run ${binary}: ${r.error.message}`], others };
    if (!fs.existsSync(out)) {
      failures.push(`Sarif.Multitool exited ${r.status} without a report:\n${console40()}`);
      return { failures, others };
    }
    const log = JSON.parse(fs.readFileSync(out, 'utf8'));
    for (const run of log.runs || []) {
      const rules = (run.tool && run.tool.driver && run.tool.driver.rules) || [];
      const byId = new Map(rules.map((x) => [x.id, x]));
      for (const res of run.results || []) {
        const rule = (res.ruleIndex !== undefined && rules[res.ruleIndex]) || byId.get(res.ruleId);
        const level = res.level ||
            (rule && rule.defaultConfiguration && rule.defaultConfiguration.level) || 'warning';
        const name = rule && rule.name ? `/${rule.name}` : '';
        const text = `${level} ${res.ruleId}${name}: ${formatMessage(res.message, rule)}`;
        if (level === 'error' || (o.strictWarnings && level === 'warning')) failures.push(text);
        else if (level === 'warning' || o.verbose) others.push(text);
      }
      for (const inv of run.invocations || []) {
        for (const n of [...(inv.toolExecutionNotifications || []),
                         ...(inv.toolConfigurationNotifications || [])]) {
          const level = n.level || 'warning';
          const text = `tool ${level}: ${formatMessage(n.message)}` +
                       (n.exception ? ` (${n.exception.message || ''})` : '');
          if (level === 'error') failures.push(text);
          else if (o.verbose) others.push(text);
        }
      }
    }
    // Without --rich-return-code the multitool exits 0 even when it finds errors; anything else
    // non-zero with no error in the report is the tool itself failing.
    if (r.status !== 0 && failures.length === 0) {
      failures.push(`Sarif.Multitool exited ${r.status}:\n${console40()}`);
    }
    return { failures, others };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// Validates every file, a few processes at a time. Returns Map(file -> {failures, others}).
async function multitoolCheck(binary, files, o) {
  const per = new Map();
  const queue = files.slice();
  const jobs = Math.max(1, Math.min(4, os.cpus().length, queue.length));
  await Promise.all(Array.from({ length: jobs }, async () => {
    while (queue.length) {
      const file = queue.shift();
      per.set(file, await multitoolOne(binary, file, o));
    }
  }));
  return per;
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const say = (s) => { if (!o.quiet) console.log(s); };

  const t0 = Date.now();
  const { file: schemaFile, schema, notes } = loadSchema(o);
  const { ajv, label } = ajvFor(schema);
  const validate = ajv.compile(schema);
  say(`schema: ${path.relative(process.cwd(), schemaFile)} (${label})` +
      (notes.length ? `; ${notes.join('; ')}` : '') + `; compiled in ${Date.now() - t0} ms`);

  let binary = null;
  if (o.multitool) {
    const dir = multitoolDir();
    const exe = dir && path.join(dir, process.platform === 'win32' ? 'Sarif.Multitool.exe'
                                                                   : 'Sarif.Multitool');
    if (exe && fs.existsSync(exe)) {
      binary = exe;
      try {
        fs.accessSync(exe, fs.constants.X_OK);
      } catch (e) {
        try {
          fs.chmodSync(exe, 0o755);  // npm without install scripts skips the package's chmod
        } catch (e2) {
          console.error(`validate_sarif: ${exe} is not executable: ${e2.message}`);
          process.exit(2);
        }
      }
    } else if (o.requireMultitool) {
      missingTools('@microsoft/sarif-multitool');
    } else {
      console.error('validate_sarif: Sarif.Multitool not installed; skipping it (ajv check only)');
    }
  }

  const files = o.files.map((f) => path.resolve(f));
  const problems = new Map(files.map((f) => [f, []]));
  const t1 = Date.now();
  for (const file of files) {
    try {
      const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
      for (const e of ajvCheck(validate, doc)) problems.get(file).push(`schema: ${e}`);
    } catch (e) {
      problems.get(file).push(`not readable JSON: ${e.message}`);
    }
  }
  say(`ajv: ${files.length} file(s) in ${Date.now() - t1} ms`);

  if (binary) {
    const t2 = Date.now();
    const per = await multitoolCheck(binary, files, o);
    say(`multitool: ${files.length} file(s) in ${Date.now() - t2} ms`);
    for (const file of files) {
      const { failures, others } = per.get(file);
      for (const e of failures) problems.get(file).push(`multitool: ${e}`);
      // Warnings repeat per rule or per result; show each kind once unless --verbose.
      const name = o.files[files.indexOf(file)];
      const seen = new Map();
      for (const w of others) {
        const key = w.replace(/:.*/s, '');
        if (o.verbose || !seen.has(key)) say(`${name}: multitool: ${o.verbose ? w : w.slice(0, 300)}`);
        seen.set(key, (seen.get(key) || 0) + 1);
      }
      for (const [key, n] of seen) {
        if (!o.verbose && n > 1) say(`${name}: multitool: ${key}: ${n} in all (--verbose lists them)`);
      }
    }
  }

  let invalid = 0;
  files.forEach((file, i) => {
    const name = o.files[i];
    const p = problems.get(file);
    if (p.length) {
      ++invalid;
      const log = o.expectInvalid ? say : console.error;
      log(`${name}: INVALID (${p.length} problem${p.length > 1 ? 's' : ''})`);
      for (const line of p) log(`  ${line}`);
    } else if (o.expectInvalid) {
      console.error(`${name}: valid, but it was expected to be rejected`);
    } else {
      say(`${name}: valid`);
    }
  });
  if (o.jsonReport) {
    const report = {};
    files.forEach((file, i) => { report[o.files[i]] = problems.get(file); });
    fs.writeFileSync(o.jsonReport, `${JSON.stringify(report, null, 2)}\n`);
  }
  const ok = o.expectInvalid ? invalid === files.length : invalid === 0;
  process.exit(ok ? 0 : 1);
}

main().catch((e) => {
  console.error(`validate_sarif: ${e.stack || e}`);
  process.exit(2);
});
