/**
 * `npm run check` (first half): validates every incident folder and renders every Mermaid
 * diagram, then prints all problems at once with file, line and field.
 */
import { readArchive } from '../src/archive/archive.ts';
import { checkDiagrams } from '../src/view/incident-view.ts';
import { closeDiagramBrowser } from '../src/render/diagrams.ts';
import { formatProblems } from '../src/schemas/problems.ts';

const root = process.cwd();
const { incidents, problems } = readArchive(root);
const diagrams = await checkDiagrams(incidents);
await closeDiagramBrowser();
problems.push(...diagrams.problems);

if (problems.length > 0) {
  process.stderr.write(`\n${formatProblems(problems)}\n`);
  process.exit(1);
}
console.log(`content OK: ${incidents.length} incident(s), ${diagrams.count} diagram(s) checked`);
