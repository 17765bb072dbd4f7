/**
 * `aftermath <command>`: the one command a site's authors run (bin/aftermath.js starts it). Each
 * command is a module of this folder with `run(args)`, loaded only when it is the one asked for,
 * so `aftermath new` does not load the repro runner.
 */
import { readFileSync } from 'node:fs';
import { catalogued } from '../errors.ts';
import { packageFile } from '../package-root.ts';

/** Each command's module (the overview below lists each with what it does). */
const COMMANDS: Record<string, () => Promise<{ run(args: string[]): Promise<void> }>> = {
  init: () => import('./init.ts'),
  new: () => import('./new.ts'),
  check: () => import('./check.ts'),
  translations: () => import('./translations.ts'),
  repro: () => import('./repro.ts'),
  'import statuspage': () => import('./import-statuspage.ts'),
  'import github': () => import('./import-github.ts'),
};

const version: string = JSON.parse(readFileSync(packageFile('package.json'), 'utf8')).version;

// Written out rather than gathered from the commands' modules, which would load them all.
const overview = () => `aftermath ${version}: incident postmortems as a static site

usage: aftermath <command> [options]

  init <folder>                a new site: its config, an example incident, workflows and README
  new "Title"                  an incident's folder, ready to fill in
  check                        validate every incident and draw every diagram; exit 1 on any problem
  translations                 translations behind their source (--stamp: mark one current)
  repro [incident] [repro]     run the repros, record their verdicts (--check: re-run and compare)
  import statuspage <address>  a status page's updates into an incident's timeline.yaml
  import github --repo o/n     issues, pull requests and releases into an incident's history.yaml

Each command explains its options: aftermath <command> --help. The site itself is built and
served by Astro: npm run build, npm run dev.`;

/** The command a command line names (`import` takes a second word), and its own arguments. */
function commandOf(args: string[]): { name: string; rest: string[] } | undefined {
  const [first, second] = args;
  if (first === 'import' && second && !second.startsWith('-')) return { name: `import ${second}`, rest: args.slice(2) };
  return first === undefined ? undefined : { name: first, rest: args.slice(1) };
}

export async function main(args: string[]): Promise<void> {
  const asked = commandOf(args);
  if (!asked || ['help', '--help', '-h'].includes(asked.name)) {
    console.log(overview());
    return;
  }
  if (['--version', '-v', 'version'].includes(asked.name)) {
    console.log(version);
    return;
  }
  const command = COMMANDS[asked.name];
  if (!command) {
    process.stderr.write(
      asked.name === 'import'
        ? 'aftermath import: say where from: aftermath import statuspage <address> or aftermath import github --repo owner/name\n'
        : `aftermath: there is no command "${asked.name}". The commands are: ${Object.keys(COMMANDS).join(', ')} (aftermath --help says what each does)\n`,
    );
    process.exitCode = 2;
    return;
  }
  try {
    await (await command()).run(asked.rest);
  } catch (error) {
    // An option the command does not have: said in one line, with the way to its help.
    const code = (error as { code?: string }).code;
    if (code?.startsWith('ERR_PARSE_ARGS')) {
      // Node's first sentence names the option; the rest (how to pass "--x" as a positional, with
      // an unbalanced quote) is about its API, not this command.
      const said = (error as Error).message.split('. ')[0]!.replace(/\.$/, '');
      process.stderr.write(`aftermath ${asked.name}: ${said}. See aftermath ${asked.name} --help\n`);
      process.exitCode = 2;
      return;
    }
    // An error of Aftermath's that the command left to this level: its message and the
    // catalogue's hint (src/errors.ts), no stack. Anything else is a bug, and its stack helps.
    const entry = catalogued(error);
    if (!entry) throw error;
    process.stderr.write(`aftermath ${asked.name}: ${(error as Error).message}\n  ${entry.hint}\n`);
    process.exitCode = entry.exitCode;
  }
}

await main(process.argv.slice(2));
