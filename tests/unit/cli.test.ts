/** The `aftermath` command's own words: its overview, its version, and a mistyped command. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aftermathBin, projectRoot } from '../support/site.ts';

const run = (...args: string[]) => {
  const result = spawnSync(process.execPath, [aftermathBin, ...args], { encoding: 'utf8', cwd: projectRoot });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
};
// The commands it runs, as it names them when asked for one it does not have.
const commands = /The commands are: (.*) \(/.exec(run('publish').stderr)![1]!.split(', ');
const { version } = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string };

describe('aftermath', () => {
  it("lists every command it has, one line each, in a terminal's width", () => {
    expect(commands).toContain('translations');
    for (const args of [[], ['--help'], ['help']]) {
      const { code, stdout } = run(...args);
      expect(code).toBe(0);
      expect(stdout).toContain(`aftermath ${version}`);
      for (const name of commands) expect(stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
      for (const line of stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
    }
  });

  it('says its version', () => {
    expect(run('--version').stdout.trim()).toBe(version);
  });

  it('names a command it does not have, and an import without a source, in one line, exit 2', () => {
    const unknown = run('publish');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      'aftermath: there is no command "publish". The commands are: init, new, check, translations, repro, import statuspage, import github (aftermath --help says what each does)\n',
    );
    const bare = run('import');
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/^aftermath import: say where from/);
  });

  // Every command reads its arguments the same way (src/cli/command-line.ts); nothing here
  // reaches a site, the network or a repro, since help and a wrong option stop before.

  it.each(commands)('aftermath %s --help prints its usage on stdout and does nothing else', (command) => {
    for (const help of ['--help', '-h']) {
      const result = run(...command.split(' '), help);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^usage: aftermath ${command}\\b`));
      expect(result.stdout.endsWith('\n') && !result.stdout.endsWith('\n\n')).toBe(true);
      expect(result.stderr).toBe('');
    }
  });

  it.each(commands)('aftermath %s points at its help for an option it does not know', (command) => {
    const result = run(...command.split(' '), '--verbose');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`aftermath ${command}: Unknown option '--verbose'. See aftermath ${command} --help\n`);
  });
});
