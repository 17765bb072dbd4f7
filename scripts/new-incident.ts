/**
 * `npm run new -- "Title" [--date YYYY-MM-DD] [--timezone Zone] [--severity SEV3] [--dir content/incidents]`
 *
 * Creates `<dir>/<date>-<slug>/` with an index.mdx, timeline.yaml and history.yaml that pass
 * `npm run check` as they are. It never overwrites: an existing folder stops it with exit code 1.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { INCIDENTS_DIR } from '../src/archive/archive.ts';
import { scaffoldIncident, ScaffoldError, type ScaffoldedIncident } from '../src/archive/scaffold.ts';

const USAGE = `usage: npm run new -- "Title" [--date YYYY-MM-DD] [--timezone Zone] [--severity SEV1..SEV4] [--dir ${INCIDENTS_DIR}]

  --date      the day the incident started (default: today in --timezone)
  --timezone  the IANA zone the incident is told in (default: UTC)
  --severity  SEV1, SEV2, SEV3 or SEV4 (default: SEV3)
  --dir       the incidents folder (default: ${INCIDENTS_DIR})`;

function fail(message: string): never {
  process.stderr.write(`npm run new: ${message}\n`);
  process.exit(1);
}

function parseCommandLine() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        date: { type: 'string' },
        timezone: { type: 'string', default: 'UTC' },
        severity: { type: 'string', default: 'SEV3' },
        dir: { type: 'string', default: INCIDENTS_DIR },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return fail(`${(error as Error).message}\n\n${USAGE}`);
  }
}

function scaffold(options: Parameters<typeof scaffoldIncident>[0]): ScaffoldedIncident {
  try {
    return scaffoldIncident(options);
  } catch (error) {
    if (error instanceof ScaffoldError) fail(error.message);
    throw error;
  }
}

const { values, positionals } = parseCommandLine();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
// An unquoted title arrives as several words; they can only have meant one title.
const title = positionals.join(' ');
if (!title.trim()) fail(`give the incident a title.\n\n${USAGE}`);

const incident = scaffold({ title, date: values.date, timezone: values.timezone, severity: values.severity });
const target = resolve(values.dir, incident.slug);
const shown = relative(process.cwd(), target) || '.';

mkdirSync(resolve(values.dir), { recursive: true });
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

console.log(`Created ${shown}/ (${Object.keys(incident.files).join(', ')})

Next steps:
  1. Replace the TODOs in ${join(shown, 'index.mdx')}: summary, impact, authors and the story.
  2. Fill in the key moments (started, detected, mitigated, resolved) as they become known.
  3. Add events to timeline.yaml, and the fix's issues and pull requests to history.yaml.
  4. Preview with npm run dev (drafts show only there), then run npm run check.
  5. Set draft: false to publish.`);
