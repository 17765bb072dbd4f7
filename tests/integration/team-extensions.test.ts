/**
 * A team's site that declares a service of its own in its config
 * (tests/fixtures/sites/team-extensions): its repro lists the service by name, the real runner
 * starts it as declared, and `aftermath check` says what is wrong when the declaration is missing.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { aftermathBin, copyFixtureSite, projectRoot, runNode } from '../support/site.ts';
import { TEST_PYTHON } from '../fixtures/repro/support.ts';

const site = join(projectRoot, 'tests/fixtures/sites/team-extensions');
const REPRO = 'content/incidents/2024-03-05-session-eviction/repros/evicted-session/repro.yaml';
const copies: string[] = [];
afterAll(() => copies.forEach((copy) => rmSync(copy, { recursive: true, force: true })));

describe('a service the site declares in its config', { timeout: 60_000 }, () => {
  it('starts as declared for the repro that lists it by name, and the recorded verdict holds', async () => {
    // Reproduced only because the declaration's --maxmemory 1mb and LRU eviction took effect:
    // the built-in redis has no limit and would keep every session.
    const checked = await runNode([aftermathBin, 'repro', '--check'], {
      cwd: site,
      env: { ...process.env, REPRO_PYTHON: TEST_PYTHON },
    });
    expect(checked.code, checked.stdout + checked.stderr).toBe(0);
    expect(checked.stderr).toContain('repro check: 1 passed, 0 failed');
    expect(checked.stderr).toMatch(
      /2024-03-05-session-eviction\/evicted-session +installed +reproduced +reproduced +met/,
    );
  });

  it('is a located problem in npm run check when the site does not declare it, naming what exists', async () => {
    const copy = copyFixtureSite('team-extensions');
    copies.push(copy);
    const config = join(copy, 'astro.config.mjs');
    writeFileSync(config, readFileSync(config, 'utf8').replace("'session-cache': {", "'session-store': {"));
    const checked = await runNode([aftermathBin, 'check'], { cwd: copy });
    expect(checked.code).toBe(1);
    // One problem, at its line: the story's <Repro id="evicted-session"> is not blamed for it.
    expect(checked.stderr).toContain('\n1 content problem:\n');
    expect(checked.stderr).toContain(`${REPRO}:7  services[0]`);
    expect(checked.stderr).toContain(
      'expected a built-in service (redis, redis-cluster, latency-proxy), one the site declares (session-store), or a service declared here by command (a mapping with name and command); found "session-cache"',
    );
  });
});
