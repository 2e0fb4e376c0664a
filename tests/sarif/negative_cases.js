#!/usr/bin/env node
// Deliberately broken SARIF for check_sarif.sh: proves the validators can fail, and that each one
// fails for the reason it should (not merely because something else in the file is wrong).
//
//   node negative_cases.js make BASE.sarif OUTDIR     writes OUTDIR/<case>.sarif
//   node negative_cases.js check REPORT.json          REPORT from validate_sarif.js --json-report
//
// Every case lists patterns that must all match some problem line reported for that file;
// patterns starting with "multitool:" are skipped when the multitool is not installed.
'use strict';

const fs = require('fs');
const path = require('path');

const loc = (d) => d.runs[0].results[0].locations[0].physicalLocation;
const result = (d) => d.runs[0].results[0];
const rule = (d) => d.runs[0].tool.driver.rules[0];

const CASES = {
  'no-version': {
    mutate: (d) => { delete d.version; },
    expect: [/^schema: \(root\): must have required property 'version'/, /^multitool: error JSON1002/],
  },
  'wrong-version': {
    mutate: (d) => { d.version = '2.0.0'; },
    expect: [/^schema: \/version: must be equal to one of the allowed values/,
             /^multitool: error JSON1019/],
  },
  'startLine-0': {
    mutate: (d) => { loc(d).region.startLine = 0; },
    expect: [/^schema: \/runs\/0\/results\/0\/locations\/0\/physicalLocation\/region\/startLine: must be >= 1/,
             /^multitool: error JSON1008/],
  },
  'region-without-start': {
    mutate: (d) => { delete loc(d).region.startLine; },
    expect: [/^schema: \/runs\/0\/results\/0\/locations\/0\/physicalLocation\/region: must match a schema in anyOf/,
             /^multitool: error SARIF1007/],
  },
  'bad-level': {  // the multitool does not check result.level; the schema does
    mutate: (d) => { result(d).level = 'critical'; },
    expect: [/^schema: \/runs\/0\/results\/0\/level: must be equal to one of the allowed values/],
  },
  'no-message': {
    mutate: (d) => { delete result(d).message; },
    expect: [/^schema: \/runs\/0\/results\/0: must have required property 'message'/,
             /^multitool: error JSON1002/],
  },
  'duplicate-tags': {
    mutate: (d) => { rule(d).properties.tags.push(rule(d).properties.tags[0]); },
    expect: [/^schema: \/runs\/0\/tool\/driver\/rules\/0\/properties\/tags: must NOT have duplicate items/,
             /^multitool: error JSON1020/],
  },
  'unknown-property': {
    mutate: (d) => { result(d).severity = 'high'; },
    expect: [/^schema: \/runs\/0\/results\/0: must NOT have additional properties .*"severity"/,
             /^multitool: error JSON1005/],
  },
  'ruleIndex-out-of-range': {  // schema-valid, caught by the SARIF rules
    mutate: (d) => { result(d).ruleIndex = d.runs[0].tool.driver.rules.length; },
    expect: [/^multitool: error SARIF1009/],
  },
  'no-locations': {  // schema-valid, rejected by GitHub code scanning
    mutate: (d) => { delete result(d).locations; },
    expect: [/^multitool: error GH1015/],
  },
  'rule-without-shortDescription': {  // schema-valid, required by GitHub code scanning
    mutate: (d) => { delete rule(d).shortDescription; },
    expect: [/^multitool: error GH2012/],
  },
};
const NOT_JSON = { expect: [/^not readable JSON/, /^multitool: error JSON0001/] };

function multitoolInstalled() {
  for (const p of [`@microsoft/sarif-multitool-${process.platform}`]) {
    try {
      require.resolve(`${p}/package.json`, { paths: [__dirname] });
      return true;
    } catch (e) { /* not installed */ }
  }
  return false;
}

function make(base, dir) {
  const doc = JSON.parse(fs.readFileSync(base, 'utf8'));
  for (const [name, c] of Object.entries(CASES)) {
    const d = JSON.parse(JSON.stringify(doc));
    c.mutate(d);
    fs.writeFileSync(path.join(dir, `${name}.sarif`), `${JSON.stringify(d, null, 2)}\n`);
  }
  fs.writeFileSync(path.join(dir, 'not-json.sarif'), '{"version": "2.1.0", "runs": [');
}

function check(reportFile) {
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
  const mt = multitoolInstalled();
  const expected = Object.assign({ 'not-json': NOT_JSON }, CASES);
  let bad = 0;
  for (const [name, c] of Object.entries(expected)) {
    const file = Object.keys(report).find((f) => path.basename(f) === `${name}.sarif`);
    if (!file) {
      console.error(`FAIL: ${name}: not in ${reportFile}`);
      ++bad;
      continue;
    }
    const problems = report[file];
    const missing = c.expect
      .filter((re) => mt || !re.source.startsWith('^multitool:'))
      .filter((re) => !problems.some((p) => re.test(p)));
    if (problems.length === 0) {
      console.error(`FAIL: ${name}: accepted as valid`);
      ++bad;
    } else if (missing.length) {
      console.error(`FAIL: ${name}: rejected, but not for the expected reason; missing ${missing.join(', ')}; got:`);
      for (const p of problems) console.error(`    ${p.split('\n')[0].slice(0, 200)}`);
      ++bad;
    } else {
      console.log(`ok: ${name} rejected: ${problems[0].split('\n')[0].slice(0, 150)}`);
    }
  }
  return bad ? 1 : 0;
}

const [cmd, ...args] = process.argv.slice(2);
if (cmd === 'make' && args.length === 2) make(args[0], args[1]);
else if (cmd === 'check' && args.length === 1) process.exit(check(args[0]));
else {
  console.error('usage: negative_cases.js make BASE.sarif OUTDIR | check REPORT.json');
  process.exit(2);
}
