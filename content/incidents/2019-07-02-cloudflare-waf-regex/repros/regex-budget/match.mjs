// Times one regular expression on one engine against one input size. Written for Aftermath's
// runner: ENGINE and N come from the environment, and the time per match is printed as a
// `measure ms_per_match=…` line; repro.yaml's budget turns it into the verdict.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The WAF rule's expression as Cloudflare's postmortem prints it, written as a raw string so
// that no backslash is lost.
const WAF_RULE = String.raw`(?:(?:\"|'|\]|\}|\\|\d|(?:nan|infinity|true|false|null|undefined|symbol|math)|\`|\-|\+)+[)]*;?((?:\s|-|~|!|{}|\|\||\+)*.*(?:.*=.*)))`;

/** A match this slow is timed once: repeating it would only make the run longer. */
const SLOW_MS = 100;
const MAX_REPEATS = 5;
const engine = process.env.ENGINE ?? 'backtracking';
const size = Number(process.env.N ?? 25);

/** An equals sign the rule cannot use, then digits the rule's first group accepts. */
const input = '=' + '1'.repeat(size);

function elapsedMs(start) {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * Times `test` on the input: once if that is already slow, otherwise up to
 * MAX_REPEATS times, keeping the median. A warm-up on a short string comes first, so that
 * compiling the expression is not counted.
 */
function measure(test) {
  test('=1');
  const times = [];
  let matched = false;
  for (let i = 0; i < MAX_REPEATS; i += 1) {
    const start = process.hrtime.bigint();
    matched = test(input);
    times.push(elapsedMs(start));
    if (times[0] > SLOW_MS) break;
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], runs: times.length, matched };
}

function report(name, { ms, runs, matched }) {
  console.log(`engine=${name} N=${size} runs=${runs} matched=${matched}`);
  console.log(`measure ms_per_match=${ms.toFixed(4)}`);
}

// Every cell names the re2js version it staged, so the record shows what was installed even
// for the two V8 engines, which do not use it.
function stagedVersion(name) {
  // re2js does not export its package.json, so walk up from its entry point to find it.
  let dir = dirname(createRequire(import.meta.url).resolve(name));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      if (manifest.name === name) return manifest.version;
    } catch {
      // no package.json here, or not the package's own: keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}
const re2jsVersion = stagedVersion('re2js');

if (process.env.MATCH_CHILD === 'v8-linear') {
  // Inside the child started with the flag: the `l` flag asks for the linear-time engine.
  const rule = new RegExp(WAF_RULE, 'l');
  if (!rule.flags.includes('l')) throw new Error('the l flag was not kept; the linear engine is not in use');
  report('v8-linear', measure((text) => rule.test(text)));
} else {
  console.log(`imported re2js ${re2jsVersion}`);
  console.log(`node ${process.version}, V8 ${process.versions.v8}; input: "=" followed by ${size} digits`);
  if (engine === 'backtracking') {
    const rule = new RegExp(WAF_RULE);
    report('backtracking', measure((text) => rule.test(text)));
  } else if (engine === 'v8-linear') {
    // The linear engine exists only when V8 is started with this flag, so a second Node.js
    // process does the timing; its output is passed through unchanged.
    const child = spawnSync(process.execPath, ['--enable-experimental-regexp-engine', fileURLToPath(import.meta.url)], {
      env: { ...process.env, MATCH_CHILD: 'v8-linear' },
      encoding: 'utf8',
    });
    process.stdout.write(child.stdout);
    process.stderr.write(child.stderr);
    if (child.status !== 0) process.exit(child.status ?? 1);
  } else if (engine === 're2js') {
    const { RE2JS } = await import('re2js');
    const rule = RE2JS.compile(WAF_RULE);
    report('re2js', measure((text) => rule.matcher(text).find()));
  } else {
    throw new Error(`unknown ENGINE ${engine}`);
  }
}
