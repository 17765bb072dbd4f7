/**
 * Content is data: what a careless or hostile pull request could put in an incident folder must
 * stop `npm run build` and `npm run check` with a located message (the file, the field or line,
 * what to do), never a stack trace, and nothing from outside the incident folder or the
 * environment may reach the output. One site holds one broken incident per case, so a single
 * build and a single check report them all, each where it is.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aftermathBin, buildSite, copyFixtureSite, runNode, type CommandResult } from '../support/site.ts';
import { optionsSchema } from '../../src/schemas/options.ts';

const SECRET = 'AFTERMATH-TEST-SECRET-7f3a';
const BASE = 'content/incidents/2024-06-02-bad';

interface HostileCase {
  /** The incident folder's name. */
  slug: string;
  /** Breaks a copy of the valid incident in `dir` (inside the site at `root`). */
  make(dir: string, root: string): void;
  /** What the output must say, the file and line or field included. */
  says: RegExp;
}

const mdx = (dir: string) => join(dir, 'index.mdx');
const editMdx = (dir: string, edit: (text: string) => string) =>
  writeFileSync(mdx(dir), edit(readFileSync(mdx(dir), 'utf8')));
const addToStory = (dir: string, text: string) =>
  editMdx(dir, (t) => t.replace('stopped acknowledging messages.', `stopped acknowledging messages.\n\n${text}`));
const repro = (dir: string) => {
  mkdirSync(join(dir, 'repros/z'), { recursive: true });
  writeFileSync(join(dir, 'repros/z/repro.yaml'), 'title: Leak\nruntime: python\nentry: x.py\n');
};
const where = (slug: string, file: string) => `content/incidents/${slug}/${file}`.replace(/[./]/g, '\\$&');

const CASES: HostileCase[] = [
  {
    slug: '2024-06-03-link-to-a-file',
    make: (dir, root) => {
      repro(dir);
      symlinkSync(join(root, 'outside/secret.txt'), join(dir, 'repros/z/x.py'));
    },
    says: new RegExp(
      `^${where('2024-06-03-link-to-a-file', 'repros/z/x.py')} {2}link to .*outside/secret\\.txt\\n {4}this is a link to .*outside/secret\\.txt, outside the incident's folder\\.`,
      'm',
    ),
  },
  {
    slug: '2024-06-04-link-to-a-folder',
    make: (dir, root) => {
      mkdirSync(join(dir, 'repros'));
      symlinkSync(join(root, 'outside/dir'), join(dir, 'repros/z'));
    },
    says: new RegExp(
      `^${where('2024-06-04-link-to-a-folder', 'repros/z')} {2}link to .*outside/dir\\n {4}this is a link to`,
      'm',
    ),
  },
  {
    slug: '2024-06-05-link-loop',
    make: (dir) => {
      repro(dir);
      symlinkSync('y.py', join(dir, 'repros/z/x.py'));
      symlinkSync('x.py', join(dir, 'repros/z/y.py'));
    },
    says: new RegExp(
      `^${where('2024-06-05-link-loop', 'repros/z/x.py')} {2}link to y\\.py\\n {4}this link leads back to itself`,
      'm',
    ),
  },
  {
    slug: '2024-06-06-environment',
    make: (dir) => addToStory(dir, 'Home is {process.env.HOME} and the token {process.env.AFTERMATH_TEST_TOKEN}.'),
    says: new RegExp(
      `^${where('2024-06-06-environment', 'index.mdx')}:30 {2}expression \\{process\\.env\\.HOME\\}\\n {4}\\{…\\} is JavaScript that runs on the machine that builds the site`,
      'm',
    ),
  },
  {
    slug: '2024-06-07-import',
    make: (dir) => addToStory(dir, 'import secret from "../../../outside/secret.txt?raw"\n\n{secret}'),
    says: new RegExp(
      `^${where('2024-06-07-import', 'index.mdx')}:30 {2}import secret from .*\\n {4}import and export run code on the machine that builds the site`,
      'm',
    ),
  },
  {
    slug: '2024-06-08-unknown-fact',
    make: (dir) => addToStory(dir, 'See <Fact k="nope" />.'),
    says: new RegExp(
      `^${where('2024-06-08-unknown-fact', 'index.mdx')}:30 {2}<Fact k>\\n {4}there is no fact "nope" in .*facts\\.yaml`,
      'm',
    ),
  },
  {
    slug: '2024-06-09-javascript-source',
    make: (dir) =>
      editMdx(dir, (t) => t.replace('https://status.example.com/incidents/abc123', '"javascript:alert(1)"')),
    says: new RegExp(
      `^${where('2024-06-09-javascript-source', 'index.mdx')}:20 {2}sources\\[0\\]\\.url\\n {4}a javascript: link is not allowed in an incident`,
      'm',
    ),
  },
  {
    slug: '2024-06-10-alias-bomb',
    make: (dir) => {
      const levels = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
      const lines = levels.map((k, i) =>
        i === 0
          ? 'a: &a [x, x, x, x, x, x, x, x, x]'
          : `${k}: &${k} [${Array(9)
              .fill(`*${levels[i - 1]}`)
              .join(', ')}]`,
      );
      writeFileSync(join(dir, 'history.yaml'), `${lines.join('\n')}\n`);
    },
    says: new RegExp(
      `^${where('2024-06-10-alias-bomb', 'history.yaml')}:1\\n {4}this YAML uses aliases .*alias bomb`,
      'm',
    ),
  },
  {
    slug: '2024-06-11-latin-1',
    make: (dir) => {
      const text = readFileSync(mdx(dir), 'utf8').replace(
        'stopped acknowledging messages.',
        'stopped acknowledging messages. Caf\u0000',
      );
      const bytes = Buffer.from(text);
      bytes[bytes.indexOf(0)] = 0xe9; // é in Latin-1: not UTF-8
      writeFileSync(mdx(dir), bytes);
    },
    says: new RegExp(
      `^${where('2024-06-11-latin-1', 'index.mdx')}:28\\n {4}byte 83 of this line \\(0xE9, byte \\d+ of the file\\) is not valid UTF-8`,
      'm',
    ),
  },
  {
    slug: '2024-06-12-long-title',
    make: (dir) => editMdx(dir, (t) => t.replace(/^title: .*$/m, `title: ${'A very long title '.repeat(111)}`)),
    says: new RegExp(
      `^${where('2024-06-12-long-title', 'index.mdx')}:2 {2}title\\n {4}too long: 1997 characters, where at most 160 fit`,
      'm',
    ),
  },
  {
    slug: '2024-06-13-utf-16',
    make: (dir) =>
      writeFileSync(
        join(dir, 'timeline.yaml'),
        Buffer.from(readFileSync(join(dir, 'timeline.yaml'), 'utf8'), 'utf16le'),
      ),
    says: new RegExp(`^${where('2024-06-13-utf-16', 'timeline.yaml')}:1\\n {4}this file is saved as UTF-16`, 'm'),
  },
  {
    slug: '2024-06-14-folder-for-a-file',
    make: (dir) => {
      rmSync(join(dir, 'history.yaml'));
      mkdirSync(join(dir, 'history.yaml'));
      writeFileSync(join(dir, 'history.yaml/keep'), '');
    },
    says: new RegExp(
      `^${where('2024-06-14-folder-for-a-file', 'history.yaml')}\\n {4}this is a folder, where a file of this name is expected`,
      'm',
    ),
  },
  {
    slug: '2024-06-15-huge-file',
    make: (dir) => writeFileSync(join(dir, 'timeline.yaml'), `# ${'padding '.repeat(300_000)}\n`),
    says: new RegExp(
      `^${where('2024-06-15-huge-file', 'timeline.yaml')}\\n {4}this file is 2\\.3 MiB; a file of this kind may be at most 1\\.0 MiB`,
      'm',
    ),
  },
  {
    slug: '2024-06-16-deep-yaml',
    make: (dir) => writeFileSync(join(dir, 'history.yaml'), `items: ${'['.repeat(40_000)}${']'.repeat(40_000)}\n`),
    says: new RegExp(
      `^${where('2024-06-16-deep-yaml', 'history.yaml')}:1\\n {4}this YAML is nested more than 32 levels deep`,
      'm',
    ),
  },
  {
    slug: '2024-06-17-byte-order-mark',
    make: (dir) =>
      writeFileSync(join(dir, 'timeline.yaml'), `\uFEFF${readFileSync(join(dir, 'timeline.yaml'), 'utf8')}`),
    says: new RegExp(
      `^${where('2024-06-17-byte-order-mark', 'timeline.yaml')}:1\\n {4}this file starts with a byte-order mark`,
      'm',
    ),
  },
  {
    slug: '2024-06-18-empty-file',
    make: (dir) => writeFileSync(join(dir, 'timeline.yaml'), ''),
    says: new RegExp(
      `^${where('2024-06-18-empty-file', 'timeline.yaml')}:1\\n {4}expected timeline\\.yaml to be a list of entries`,
      'm',
    ),
  },
];

let root: string;
let build: CommandResult;
let check: CommandResult;

beforeAll(async () => {
  root = copyFixtureSite('bad-content');
  mkdirSync(join(root, 'outside/dir'), { recursive: true });
  writeFileSync(join(root, 'outside/secret.txt'), `${SECRET}\n`);
  writeFileSync(join(root, 'outside/dir/x.py'), `print("${SECRET}")\n`);
  const valid = join(root, BASE);
  for (const c of CASES) {
    const dir = join(root, 'content/incidents', c.slug);
    cpSync(valid, dir, { recursive: true });
    c.make(dir, root);
  }
  const env = { AFTERMATH_TEST_TOKEN: SECRET };
  [build, check] = await Promise.all([
    buildSite(root, undefined, env),
    runNode([aftermathBin, 'check'], { cwd: root, env }),
  ]);
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** What Astro wraps a hook's error in, and what a stack trace looks like. */
const STACK = /An unhandled error occurred|Stack trace:|^\s+at .+:\d+:\d+\)?$|node_modules\//m;

describe.each(CASES)('$slug', ({ says }) => {
  it('fails npm run build with the file, the line or field, and what to do', () => {
    expect(build.stdout + build.stderr).toMatch(says);
  });
  it('fails npm run check the same way', () => {
    expect(check.stderr).toMatch(says);
  });
});

it('stops both commands without a stack trace, and publishes nothing from outside', () => {
  expect(build.code).not.toBe(0);
  expect(check.code).toBe(1);
  expect(build.stdout + build.stderr).not.toMatch(STACK);
  expect(check.stdout + check.stderr).not.toMatch(STACK);
  // The valid incident the cases were copied from is not among the problems.
  expect(check.stderr).not.toContain(`${BASE}/`);
  for (const output of [build.stdout, build.stderr, check.stdout, check.stderr]) expect(output).not.toContain(SECRET);
  const dist = join(root, 'dist');
  const published = existsSync(dist) ? readdirSync(dist, { recursive: true }).length : 0;
  expect(published).toBe(0);
});

describe('a site that trusts its authors with code says so in its options', () => {
  const withOptions = (options: string, story: string) => {
    const site = copyFixtureSite('bad-content');
    made.push(site);
    const config = join(site, 'astro.config.mjs');
    writeFileSync(
      config,
      readFileSync(config, 'utf8').replace("aftermath({ title: 'Aftermath' })", `aftermath(${options})`),
    );
    addToStory(join(site, BASE), story);
    return site;
  };
  const made: string[] = [];
  afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('allowMdxCode: true builds an expression, and npm run check reads the same option', async () => {
    const site = withOptions('{ allowMdxCode: true }', 'Six times seven is {6 * 7}.');
    const [built, checked] = await Promise.all([buildSite(site), runNode([aftermathBin, 'check'], { cwd: site })]);
    expect(built.code, built.stdout + built.stderr).toBe(0);
    expect(checked.code, checked.stderr).toBe(0);
    expect(readFileSync(join(site, 'dist/incidents/2024-06-02-bad/index.html'), 'utf8')).toContain(
      'Six times seven is 42.',
    );
  }, 120_000);

  it('a misspelt option stops build and check with the option named, no stack trace', async () => {
    const site = withOptions('{ allowMdxcode: true }', 'Plain text.');
    const [built, checked] = await Promise.all([buildSite(site), runNode([aftermathBin, 'check'], { cwd: site })]);
    const message = `unknown option allowMdxcode: check the spelling (the options are: ${Object.keys(optionsSchema.shape).join(', ')})`;
    expect(built.code).not.toBe(0);
    expect(built.stdout + built.stderr).toContain(message);
    expect(built.stdout + built.stderr).not.toMatch(STACK);
    expect(checked.code).toBe(1);
    expect(checked.stderr).toBe(`aftermath(): invalid options in astro.config\n  ${message}\n`);
  });
});
