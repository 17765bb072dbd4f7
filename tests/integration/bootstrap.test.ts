/**
 * scripts/bootstrap on a machine that lacks a system package: as a user who may not install, it
 * stops before doing anything else and prints the one apt-get command to run. The package
 * database is real except for one answer: a dpkg-query placed first on PATH reports chromium as
 * not installed (Chromium cannot be uninstalled from under the other tests).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../support/site.ts';

const bin = mkdtempSync(join(tmpdir(), 'aftermath-bootstrap-test-'));
afterAll(() => rmSync(bin, { recursive: true, force: true }));
const realDpkgQuery = execFileSync('sh', ['-c', 'command -v dpkg-query'], { encoding: 'utf8' }).trim();
writeFileSync(
  join(bin, 'dpkg-query'),
  `#!/bin/sh\nfor a in "$@"; do [ "$a" = chromium ] && exit 1; done\nexec ${realDpkgQuery} "$@"\n`,
);
chmodSync(join(bin, 'dpkg-query'), 0o755);
chmodSync(bin, 0o755);

describe('scripts/bootstrap and system packages', () => {
  it('stops with the one command to run when a package is missing and it may not install', () => {
    // As nobody: not root, and no sudo without a password. The check comes before anything else.
    const path = [bin, '/usr/sbin', '/usr/bin', '/bin'].join(':');
    const result = spawnSync(
      'runuser',
      [
        '-u',
        'nobody',
        '--',
        'env',
        `PATH=${path}`,
        `HOME=${tmpdir()}`,
        join(projectRoot, 'scripts/bootstrap'),
        'echo',
        'should-not-run',
      ],
      { encoding: 'utf8', cwd: projectRoot },
    );
    expect(result.status).toBe(1);
    expect(result.stdout).not.toContain('should-not-run');
    expect(result.stderr.trim().split('\n')).toEqual([
      'aftermath: missing system packages: chromium. Install them, then run this again:',
      '  sudo apt-get install -y --no-install-recommends chromium',
    ]);
  });

  it('leaves system packages alone with AFTERMATH_SYSTEM_PACKAGES=skip', () => {
    const path = [bin, dirname(process.execPath), '/usr/sbin', '/usr/bin', '/bin'].join(':');
    const result = spawnSync(join(projectRoot, 'scripts/bootstrap'), ['echo', 'ran'], {
      env: { ...process.env, PATH: path, AFTERMATH_SYSTEM_PACKAGES: 'skip' },
      encoding: 'utf8',
      cwd: projectRoot,
    });
    expect(result.stdout.trim()).toBe('ran');
  });
});
