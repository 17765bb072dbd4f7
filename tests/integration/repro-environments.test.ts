/**
 * The version matrix end to end, offline, with packages built by the test: Python wheels
 * installed by pip from a find-links folder (PIP_NO_INDEX), npm tarballs installed through
 * REPRO_NPM_TARBALLS with npm offline. Real venvs, real pip, real npm.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCacheDir, prepareEnvironment } from '../../src/repro/environments.ts';
import { expandMatrix, runPlan, runRepro } from '../../src/repro/runner.ts';
import { latestRelease, listVersionsInRange } from '../../src/repro/version-range.ts';
import { buildWheel, PACKAGE, packNodePackage } from '../fixtures/repro/packages.ts';
import { FIXTURE_ROOT, fixtureRepro, INCIDENT, tempDirs, TEST_PYTHON } from '../fixtures/repro/support.ts';

const temps = tempDirs();
afterAll(() => temps.removeAll());

const summary = (
  cells: {
    version: string;
    verdict: string;
    expectation: string;
    environment: { packageVersionImported: string | null };
  }[],
) => cells.map((c) => [c.version, c.verdict, c.expectation, c.environment.packageVersionImported]);

describe('python versions from a find-links folder', { timeout: 180_000 }, () => {
  let env: NodeJS.ProcessEnv;
  beforeAll(() => {
    const wheels = temps.make();
    buildWheel(wheels, '1.0', true);
    buildWheel(wheels, '2.0', false);
    // Only our folder: no index at all, whatever pip.conf says about indexes.
    env = {
      ...process.env,
      REPRO_PYTHON: TEST_PYTHON,
      PIP_NO_INDEX: '1',
      PIP_FIND_LINKS: wheels,
      XDG_CACHE_HOME: temps.make(),
    };
  });

  it('runs each version in its own venv, and skips the one pip cannot install, with pip’s reason', async () => {
    const run = await runRepro(FIXTURE_ROOT, INCIDENT, fixtureRepro('pinned-py'), { env });
    expect(summary(run.cells)).toEqual([
      ['1.0', 'reproduced', 'met', '1.0'],
      ['2.0', 'not-reproduced', 'met', '2.0'],
      ['3.0', 'skipped', 'none', null],
    ]);
    const [one, two, three] = run.cells;
    // Named relative to the cache, never by this machine's folders.
    expect(one!.environment.interpreter).toMatch(/^repro-envs\/[0-9a-f]{20}\/bin\/python$/);
    // Provenance from pip's own installation report: the wheel's file name and its sha256.
    const wheel = readdirSync(env.PIP_FIND_LINKS!).find((name) => name.includes('-1.0-'))!;
    const sha256 = createHash('sha256')
      .update(readFileSync(join(env.PIP_FIND_LINKS!, wheel)))
      .digest('hex');
    expect(one!.environment.packages).toEqual([{ name: PACKAGE, version: '1.0', source: wheel, sha256 }]);
    expect(three!.environment.packages).toBeUndefined();
    expect(two!.environment.interpreter).not.toBe(one!.environment.interpreter);
    expect(three!.reason).toMatch(
      new RegExp(
        `^pip could not install ${PACKAGE}==3\\.0: not in the find-links folders \\(PIP_NO_INDEX is set\\) \\(ERROR: No matching distribution found for ${PACKAGE}==3\\.0\\)$`,
      ),
    );
    expect(three!.exitCode).toBeNull();
    // Only finished environments are in the cache: no half-built folders left behind.
    expect(readdirSync(defaultCacheDir(env)).filter((name) => name.includes('.building-'))).toEqual([]);
  });

  it('reuses a cached environment and honours --version', async () => {
    const again = await prepareEnvironment('python', PACKAGE, '1.0', { env });
    expect(again).toMatchObject({ ok: true, environment: { cached: true } });
    const started = Date.now();
    const run = await runRepro(FIXTURE_ROOT, INCIDENT, fixtureRepro('pinned-py'), { env, version: '2.0' });
    expect(summary(run.cells)).toEqual([['2.0', 'not-reproduced', 'met', '2.0']]);
    expect(Date.now() - started).toBeLessThan(3000); // no venv, no pip
  });
});

describe('node versions from npm tarballs (REPRO_NPM_TARBALLS, npm offline)', { timeout: 120_000 }, () => {
  let env: NodeJS.ProcessEnv;
  beforeAll(() => {
    const tarballs = temps.make();
    packNodePackage(tarballs, '1.0.0', true);
    packNodePackage(tarballs, '2.0.0', false);
    expect(existsSync(join(tarballs, `${PACKAGE}-1.0.0.tgz`))).toBe(true);
    // npm_config_offline is npm's own setting: a missing tarball must not reach for the network.
    env = { ...process.env, REPRO_NPM_TARBALLS: tarballs, npm_config_offline: 'true', XDG_CACHE_HOME: temps.make() };
    mkdirSync(defaultCacheDir(env), { recursive: true });
  });

  it('installs each version in its own folder and resolves it from an ES module entry', async () => {
    const run = await runRepro(FIXTURE_ROOT, INCIDENT, fixtureRepro('pinned-node'), { env });
    expect(summary(run.cells)).toEqual([
      ['1.0.0', 'reproduced', 'met', '1.0.0'],
      ['2.0.0', 'not-reproduced', 'met', '2.0.0'],
      ['3.0.0', 'skipped', 'none', null],
    ]);
    expect(run.cells[0]!.environment).toMatchObject({ runtime: 'node', interpreterVersion: process.versions.node });
    expect(run.cells[2]!.reason).toMatch(
      new RegExp(`^npm could not install ${PACKAGE}@3\\.0\\.0: not in the npm cache \\(npm is offline\\)`),
    );
    const env1 = await prepareEnvironment('node', PACKAGE, '1.0.0', { env });
    expect(env1).toMatchObject({
      ok: true,
      environment: { cached: true, nodeModules: expect.stringMatching(/node_modules$/) },
    });
  });

  it('lists the tarballs offline for a range and latest; the latest cell installs the newest and says so', async () => {
    const listing = await listVersionsInRange('node', process.execPath, PACKAGE, '>=1.0.0, <3', env);
    expect(listing).toMatchObject({
      versions: ['1.0.0', '2.0.0'],
      listedBy: `the ${PACKAGE} tarballs in REPRO_NPM_TARBALLS`,
    });
    const base = fixtureRepro('pinned-node');
    const repro = {
      ...base,
      manifest: { ...base.manifest, package: { ...base.manifest.package!, versions: ['latest'] } },
    };
    const latest = await latestRelease(repro.manifest, env);
    expect(latest).toBe('2.0.0');
    const [run] = await runPlan(
      FIXTURE_ROOT,
      [{ incident: INCIDENT, repro, cells: expandMatrix(repro.manifest), latest }],
      {
        env,
      },
    );
    expect(summary(run!.cells)).toEqual([['latest', 'not-reproduced', 'met', '2.0.0']]);
  });
});

describe('a version range, listed by pip from a find-links folder', { timeout: 120_000 }, () => {
  it('lists the final releases in the range, oldest first, and says why when it cannot', async () => {
    const wheels = temps.make();
    for (const version of ['1.0', '1.5', '2.0', '3.0rc1', '3.0']) buildWheel(wheels, version, version < '2');
    const env = { ...process.env, PIP_NO_INDEX: '1', PIP_FIND_LINKS: wheels };
    const listing = await listVersionsInRange('python', TEST_PYTHON, PACKAGE, '>=1.0,<3.1', env);
    expect(listing).toMatchObject({
      range: '>=1.0,<3.1',
      listedBy: `pip index versions ${PACKAGE}`,
      versions: ['1.0', '1.5', '2.0', '3.0'],
    });
    await expect(listVersionsInRange('python', TEST_PYTHON, PACKAGE, '>=4', env)).rejects.toThrow(
      /no release of .* is in >=4: pip index versions .* lists 4 \(3\.0, 2\.0, 1\.5, 1\.0\)/,
    );
    const empty = { ...env, PIP_FIND_LINKS: temps.make() };
    await expect(listVersionsInRange('python', TEST_PYTHON, PACKAGE, '>=1', empty)).rejects.toThrow(
      /pip could not list the versions of .*: not in the find-links folders \(PIP_NO_INDEX is set\)/,
    );
  });
});

describe('a Node range listed by npm from the registry the user configured', { timeout: 60_000 }, () => {
  it('asks the registry with npm view, orders as semver does and leaves pre-releases out; says why when it cannot', async () => {
    // A loopback registry: npm's own settings (npm_config_registry) point it there, as a user's .npmrc would.
    const listed = ['1.0.0', '1.10.0', '1.9.0', '2.0.0', '3.0.0-rc.1'];
    const requests: string[] = [];
    const registry = createServer((request, response) => {
      requests.push(request.url ?? '');
      const versions = Object.fromEntries(listed.map((version) => [version, { name: PACKAGE, version }]));
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ name: PACKAGE, 'dist-tags': { latest: '2.0.0' }, versions }));
    });
    await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = registry.address() as AddressInfo;
      const env = { ...process.env, npm_config_registry: `http://127.0.0.1:${port}/`, npm_config_cache: temps.make() };
      const listing = await listVersionsInRange('node', process.execPath, PACKAGE, '>=1.0.0 <4', env);
      expect(listing).toMatchObject({
        versions: ['1.0.0', '1.9.0', '1.10.0', '2.0.0'],
        listedBy: `npm view ${PACKAGE} versions`,
      });
      expect(requests).toEqual([`/${PACKAGE}`]);
      await expect(listVersionsInRange('node', process.execPath, PACKAGE, '>=5', env)).rejects.toThrow(
        `no release of ${PACKAGE} is in >=5: npm view ${PACKAGE} versions lists 5 (1.0.0, 1.9.0, 1.10.0, 2.0.0, 3.0.0-rc.1)`,
      );
    } finally {
      registry.close();
    }
    const unreachable = {
      ...process.env,
      npm_config_registry: 'http://127.0.0.1:9/',
      npm_config_cache: temps.make(),
      npm_config_fetch_retries: '0',
    };
    await expect(listVersionsInRange('node', process.execPath, PACKAGE, '>=1', unreachable)).rejects.toThrow(
      new RegExp(`^npm could not list the versions of ${PACKAGE}: no registry reachable`),
    );
  });
});

describe('latest', { timeout: 120_000 }, () => {
  it('installs the newest final release pip lists; the cell keeps the name latest and says what it imported', async () => {
    const wheels = temps.make();
    buildWheel(wheels, '1.0', true);
    buildWheel(wheels, '2.0', false);
    buildWheel(wheels, '3.0rc1', true);
    const env = {
      ...process.env,
      REPRO_PYTHON: TEST_PYTHON,
      PIP_NO_INDEX: '1',
      PIP_FIND_LINKS: wheels,
      XDG_CACHE_HOME: temps.make(),
    };
    const base = fixtureRepro('pinned-py');
    const repro = {
      ...base,
      manifest: { ...base.manifest, package: { ...base.manifest.package!, versions: ['1.0', 'latest'] } },
    };
    const latest = await latestRelease(repro.manifest, env);
    expect(latest).toBe('2.0');
    const [run] = await runPlan(
      FIXTURE_ROOT,
      [{ incident: INCIDENT, repro, cells: expandMatrix(repro.manifest), latest }],
      {
        env,
      },
    );
    expect(summary(run!.cells)).toEqual([
      ['1.0', 'reproduced', 'met', '1.0'],
      ['latest', 'not-reproduced', 'met', '2.0'],
    ]);
    // Without a resolved release the cell says why it did not run, instead of installing something else.
    const [unresolved] = await runPlan(
      FIXTURE_ROOT,
      [{ incident: INCIDENT, repro, cells: [{ version: 'latest', parameters: {} }] }],
      { env },
    );
    expect(unresolved!.cells[0]).toMatchObject({
      verdict: 'skipped',
      reason: expect.stringMatching(/no release was listed for latest/),
    });
  });
});
