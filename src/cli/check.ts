/**
 * `aftermath check`: validates every incident folder and renders every Mermaid diagram, reports
 * follow-ups contradicted by their evidence, then prints all problems at once with file, line
 * and field. Exit code 1 when there is any.
 */
import { readSiteArchive } from '../integration/site-options.ts';
import { checkDiagrams } from '../view/incident-view.ts';
import { closeDiagramBrowser } from '../render/diagrams.ts';
import { formatProblems } from '../schemas/problems.ts';
import { contradictedFollowUps } from '../domain/follow-ups.ts';
import { missingChromium } from '../render/chromium.ts';
import { behindLines } from './translations.ts';
import { readCommandLine } from './command-line.ts';
import { makeTranslator } from '../i18n/catalogue.ts';

export const USAGE = `usage: aftermath check

  Validates every incident (frontmatter, timeline, history, facts, follow-ups, repros), draws
  every Mermaid diagram, and prints every problem with its file and line. Exit code 1 if any.`;

/** `aftermath check` */
export async function run(args: string[]): Promise<void> {
  if (!readCommandLine(USAGE, { args })) return;
  const { options, incidents, problems } = await readSiteArchive(process.cwd());
  // Diagrams are rendered in Chromium: without it, one line saying so instead of a stack trace.
  const chromium =
    incidents.some((i) => i.diagrams.length > 0) && missingChromium('aftermath check draws Mermaid diagrams with it');
  if (chromium) {
    if (problems.length > 0) process.stderr.write(`\n${formatProblems(problems)}\n`);
    process.stderr.write(`${chromium}\n`);
    process.exitCode = 1;
    return;
  }
  const diagrams = await checkDiagrams(
    incidents,
    options.locales.map((l) => makeTranslator(l.code, l.lang, l.strings)),
  );
  await closeDiagramBrowser();
  problems.push(...diagrams.problems);
  // A follow-up marked done whose evidence no longer holds (a verdict flipped, a PR not merged).
  problems.push(...contradictedFollowUps(incidents));

  if (problems.length > 0) {
    process.stderr.write(`\n${formatProblems(problems)}\n`);
    process.exitCode = 1;
    return;
  }
  console.log(`content OK: ${incidents.length} incident(s), ${diagrams.count} diagram(s) checked`);
  // A translation behind its source is news, not a failure: the page says so too.
  const behind = behindLines(incidents);
  if (behind.length)
    console.log(
      `translations behind their source (npx aftermath translations):\n${behind.map((l) => `  ${l}`).join('\n')}`,
    );
}
