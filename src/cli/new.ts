/**
 * `aftermath new "Title" [--date YYYY-MM-DD] [--timezone Zone] [--severity SEV3] [--dir <incidents folder>]`
 *
 * Creates `<dir>/<date>-<slug>/` with an index.mdx, timeline.yaml and history.yaml that pass
 * `aftermath check` as they are. It never overwrites: an existing folder stops it with exit code 1.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { scaffoldIncident, ScaffoldError, type ScaffoldedIncident } from '../archive/scaffold.ts';
import { siteOptionsOrExit } from '../integration/site-options.ts';
import { readCommandLine } from './command-line.ts';

export const USAGE = `usage: aftermath new "Title" [--date YYYY-MM-DD] [--timezone Zone] [--severity SEV1..SEV4] [--dir folder]

  --date      the day the incident started (default: today in --timezone)
  --timezone  the IANA zone the incident is told in (default: UTC)
  --severity  SEV1, SEV2, SEV3 or SEV4 (default: SEV3)
  --dir       the incidents folder (default: the site's, content/incidents unless its
              astro.config.mjs says otherwise with aftermath({ incidents }))`;

function fail(message: string): never {
  throw new ScaffoldError(`aftermath new: ${message}`);
}

function scaffold(options: Parameters<typeof scaffoldIncident>[0]): ScaffoldedIncident {
  try {
    return scaffoldIncident(options);
  } catch (error) {
    if (error instanceof ScaffoldError) fail(error.message);
    throw error;
  }
}

/** Writes the incident's folder; returns it as the author would type it. */
async function create(args: string[]): Promise<string | undefined> {
  const commandLine = readCommandLine(USAGE, {
    args,
    allowPositionals: true,
    options: {
      date: { type: 'string' },
      timezone: { type: 'string', default: 'UTC' },
      severity: { type: 'string', default: 'SEV3' },
      dir: { type: 'string' },
    },
  });
  if (!commandLine) return undefined;
  const { values, positionals } = commandLine;
  // An unquoted title arrives as several words; they can only have meant one title.
  const title = positionals.join(' ');
  if (!title.trim()) fail(`give the incident a title.\n\n${USAGE}`);
  const dir = values.dir ?? (await siteOptionsOrExit(process.cwd())).incidents;
  const incident = scaffold({ title, date: values.date, timezone: values.timezone, severity: values.severity });
  const target = resolve(dir, incident.slug);
  const shown = relative(process.cwd(), target) || '.';
  mkdirSync(resolve(dir), { recursive: true });
  try {
    // Not recursive: creating the folder is also the check that it did not exist.
    mkdirSync(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      fail(`${shown} already exists; nothing was written. Edit that incident, or pick another title or --date.`);
    }
    throw error;
  }
  for (const [name, text] of Object.entries(incident.files)) writeFileSync(join(target, name), text, { flag: 'wx' });
  console.log(`Created ${shown}/ (${Object.keys(incident.files).join(', ')})`);
  return shown;
}

/** `aftermath new …` */
export async function run(args: string[]): Promise<void> {
  let shown: string | undefined;
  try {
    shown = await create(args);
  } catch (error) {
    if (!(error instanceof ScaffoldError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 1;
    return;
  }
  if (!shown) return;
  console.log(`
Next steps:
  1. Replace the TODOs in ${join(shown, 'index.mdx')}: summary, impact, authors and the story.
  2. Fill in the key moments (started, detected, mitigated, resolved) as they become known.
  3. Add events to timeline.yaml, and the fix's issues and pull requests to history.yaml.
  4. Preview with npm run dev (drafts show only there), then run npx aftermath check.
  5. Set draft: false to publish.`);
}
