/**
 * `npm run check` (first half): validates every incident folder and renders every Mermaid
 * diagram, reports follow-ups contradicted by their evidence, then prints all problems at once
 * with file, line and field.
 */
import { readArchive } from '../src/archive/archive.ts';
import { siteOptionsOrExit } from '../src/integration/site-options.ts';
import { checkDiagrams } from '../src/view/incident-view.ts';
import { closeDiagramBrowser } from '../src/render/diagrams.ts';
import { formatProblems } from '../src/schemas/problems.ts';
import { contradictedFollowUps } from '../src/domain/follow-ups.ts';
import { missingChromium } from '../src/render/chromium.ts';

const root = process.cwd();
const { incidents, problems } = readArchive(root, await siteOptionsOrExit(root));
// Diagrams are rendered in Chromium: without it, one line saying so instead of a stack trace.
const chromium =
  incidents.some((i) => i.diagrams.length > 0) && missingChromium('npm run check renders Mermaid diagrams with it');
if (chromium) {
  if (problems.length > 0) process.stderr.write(`\n${formatProblems(problems)}\n`);
  process.stderr.write(`${chromium}\n`);
  process.exit(1);
}
const diagrams = await checkDiagrams(incidents);
await closeDiagramBrowser();
problems.push(...diagrams.problems);
// A follow-up marked done whose evidence no longer holds (a verdict flipped, a PR not merged).
problems.push(...contradictedFollowUps(incidents));

if (problems.length > 0) {
  process.stderr.write(`\n${formatProblems(problems)}\n`);
  process.exit(1);
}
console.log(`content OK: ${incidents.length} incident(s), ${diagrams.count} diagram(s) checked`);
