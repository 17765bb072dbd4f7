/** The GitHub Actions workflows: valid YAML, and consistent with the scripts they call. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SITE_SCRIPTS } from '../../src/cli/init.ts';
import { projectRoot } from '../support/site.ts';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  needs?: string | string[];
  permissions?: Record<string, string>;
  strategy?: { matrix: Record<string, unknown[]> };
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}
const WORKFLOWS = readdirSync(join(projectRoot, '.github/workflows')).filter((f) => f.endsWith('.yml'));

const load = (name: string) =>
  parse(readFileSync(join(projectRoot, '.github/workflows', name), 'utf8'), {
    strict: true,
    uniqueKeys: true,
  }) as Workflow;
const scripts = Object.keys(
  (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts,
);

describe('workflows', () => {
  it('are the three the docs describe', () => {
    expect(WORKFLOWS.sort()).toEqual(['check.yml', 'deploy.yml', 'repros.yml']);
  });

  /**
   * A job that runs the project's code on content (build, check, repros) reads what any pull
   * request may have put in an incident folder: it gets no secret, no token in its checkout and
   * no permission beyond reading the repository.
   */
  it.each(WORKFLOWS)('%s: content is built without secrets or write access, never on pull_request_target', (name) => {
    const workflow = load(name);
    expect(Object.keys(workflow.on)).not.toContain('pull_request_target');
    expect(workflow.permissions ?? {}).toEqual({});
    for (const [id, job] of Object.entries(workflow.jobs)) {
      const runsContent = job.steps.some((s) => /npm (run|install|test)/.test(s.run ?? ''));
      if (!runsContent) continue;
      expect(job.permissions, `${name} ${id}`).toEqual({ contents: 'read' });
      for (const step of job.steps) {
        expect(JSON.stringify(step), `${name} ${id}`).not.toMatch(/secrets\.|github\.token|GITHUB_TOKEN/);
        if (step.uses?.startsWith('actions/checkout'))
          expect(step.with?.['persist-credentials'], `${name} ${id}`).toBe(false);
      }
    }
  });

  it('check.yml checks and builds every pull request', () => {
    const { on, jobs } = load('check.yml');
    expect(Object.keys(on)).toEqual(['pull_request']);
    const runs = jobs.check!.steps.map((s) => s.run ?? '');
    expect(runs).toEqual(expect.arrayContaining(['npm run check', 'npm run build']));
  });

  it.each(WORKFLOWS)(
    "%s: every job has steps, and every npm run names a script of this package.json and of a new site's",
    (name) => {
      const workflow = load(name);
      expect(Object.keys(workflow.jobs).length).toBeGreaterThan(0);
      for (const job of Object.values(workflow.jobs)) {
        expect(job.steps.length).toBeGreaterThan(0);
        for (const step of job.steps) {
          expect(step.uses ?? step.run, JSON.stringify(step)).toBeTruthy();
          for (const [, script] of (step.run ?? '').matchAll(/npm run (\S+)/g)) {
            expect(scripts).toContain(script);
            expect(Object.keys(SITE_SCRIPTS)).toContain(script);
          }
        }
      }
    },
  );

  it.each(WORKFLOWS)("%s is the one aftermath init gives a team's site (this repository's site is one)", (name) => {
    const template = readFileSync(join(projectRoot, 'templates/site/.github/workflows', name), 'utf8');
    expect(template).toBe(readFileSync(join(projectRoot, '.github/workflows', name), 'utf8'));
  });

  it('repros.yml: N shard jobs each run --shard i/N with --out, and the merge job waits for all of them and merges with --check', () => {
    const { jobs, on } = load('repros.yml');
    expect(Object.keys(on)).toEqual(expect.arrayContaining(['workflow_dispatch', 'schedule']));
    const shards = jobs.shard!.strategy!.matrix.shard!;
    expect(shards).toEqual(Array.from({ length: shards.length }, (_, i) => i + 1));
    const run = jobs.shard!.steps.map((s) => s.run ?? '').find((r) => r.includes('--shard'))!;
    expect(run).toBe(
      `npm run repro -- --shard \${{ matrix.shard }}/${shards.length} --out shard-\${{ matrix.shard }}.json`,
    );
    const upload = jobs.shard!.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'))!;
    expect(upload.with).toMatchObject({
      name: 'repro-shard-${{ matrix.shard }}',
      path: 'shard-${{ matrix.shard }}.json',
    });

    expect(jobs.merge!.needs).toBe('shard');
    const download = jobs.merge!.steps.find((s) => s.uses?.startsWith('actions/download-artifact'))!;
    expect(download.with).toMatchObject({ pattern: 'repro-shard-*', path: 'shards', 'merge-multiple': true });
    expect(jobs.merge!.steps.map((s) => s.run)).toContain(
      'npm run repro -- merge --check --record-regressions shards/shard-*.json',
    );
    const results = jobs.merge!.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'))!;
    expect(String(results.with!.path).split('\n')).toEqual(
      expect.arrayContaining([
        'content/incidents/*/repros/*/results.json',
        'content/incidents/*/repros/*/regressions.json',
      ]),
    );
  });
});
