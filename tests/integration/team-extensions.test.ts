/**
 * A team's site that declares a service and a runtime of its own in its config
 * (tests/fixtures/sites/team-extensions): its repros list the service by name, one is written in
 * Perl, the real runner starts and runs them as declared, `aftermath check` says what is wrong when
 * a declaration is missing, and the built page names the runtime and highlights its snippet.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { aftermathBin, buildSite, copyFixtureSite, projectRoot, runNode } from '../support/site.ts';
import { TEST_PYTHON } from '../fixtures/repro/support.ts';

const site = join(projectRoot, 'tests/fixtures/sites/team-extensions');
const REPRO = 'content/incidents/2024-03-05-session-eviction/repros/evicted-session/repro.yaml';
const copies: string[] = [];
afterAll(() => copies.forEach((copy) => rmSync(copy, { recursive: true, force: true })));

describe('a service and a runtime the site declares in its config', { timeout: 120_000 }, () => {
  it("starts the service as declared and runs the Perl snippet with the site's interpreter; the recorded verdicts hold", async () => {
    // Reproduced only because the declaration's --maxmemory 1mb and LRU eviction took effect:
    // the built-in redis has no limit and would keep every session.
    const checked = await runNode([aftermathBin, 'repro', '--check'], {
      cwd: site,
      env: { ...process.env, REPRO_PYTHON: TEST_PYTHON },
    });
    expect(checked.code, checked.stdout + checked.stderr).toBe(0);
    expect(checked.stderr).toContain('repro check: 2 passed, 0 failed');
    expect(checked.stderr).toMatch(/2024-03-05-session-eviction\/perl-client +installed +reproduced +reproduced +met/);
    expect(checked.stderr).toMatch(
      /2024-03-05-session-eviction\/evicted-session +installed +reproduced +reproduced +met/,
    );
  });

  it('is a located problem in npm run check when the site does not declare the service, naming what exists', async () => {
    const copy = copyFixtureSite('team-extensions');
    copies.push(copy);
    const config = join(copy, 'astro.config.mjs');
    writeFileSync(config, readFileSync(config, 'utf8').replace("'session-cache': {", "'session-store': {"));
    const checked = await runNode([aftermathBin, 'check'], { cwd: copy });
    expect(checked.code).toBe(1);
    // One problem, at its line: the story's <Repro id="evicted-session"> is not blamed for it.
    // One problem per repro, at its line: the story's <Verdict repro="perl-client"> is not blamed for it.
    expect(checked.stderr).toContain('\n2 content problems:\n');
    expect(checked.stderr).toContain(`${REPRO}:7  services[0]`);
    expect(checked.stderr).toContain(`${REPRO.replace('evicted-session', 'perl-client')}:7  services[0]`);
    expect(checked.stderr).toContain(
      'expected a built-in service (redis, redis-cluster, latency-proxy), one the site declares (session-store), or a service declared here by command (a mapping with name and command); found "session-cache"',
    );
  });
});

describe("a repro in the site's own runtime, on the built page", { timeout: 180_000 }, () => {
  it('names the interpreter and the version it reported, and highlights the snippet as the site said', async () => {
    const copy = copyFixtureSite('team-extensions');
    copies.push(copy);
    const built = await buildSite(copy);
    expect(built.code, built.stdout + built.stderr).toBe(0);
    const html = readFileSync(join(copy, 'dist/incidents/2024-03-05-session-eviction/index.html'), 'utf8');
    expect(html).toMatch(/Perl \d+\.\d+\.\d+/);
    expect(html).toContain('npx aftermath repro 2024-03-05-session-eviction perl-client');
    // The incident lists no sources: no empty Sources section, and none in the page's contents.
    expect(html).not.toContain('id="sources"');
    expect(html).not.toContain('href="#sources"');
    const snippet = readFileSync(
      join(copy, 'dist/incidents/2024-03-05-session-eviction/repros/perl-client/index.html'),
      'utf8',
    );
    expect(snippet).toMatch(/<pre[^>]*data-language="perl"/);
  });
});
