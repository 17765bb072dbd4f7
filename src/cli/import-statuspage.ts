/**
 * `npx aftermath import statuspage <status page address or JSON file> --incident <id> [--out <timeline.yaml>]`
 *
 * Reads an incident from an Atlassian Statuspage (public API v2) and writes its updates as
 * timeline.yaml entries, merged into the file when it exists. Without --out the result is
 * printed. The source is src/importers/sources/statuspage.ts; this file only reads the command line.
 *
 * Exit codes: 0 written, 1 the import failed (the message says why), 2 wrong usage.
 */
import { UsageError } from '../errors.ts';
import { asUsage, runImport } from './importer.ts';
import { resolveStatuspageInput, statuspage } from '../importers/sources/statuspage.ts';

export const USAGE = `usage: aftermath import statuspage <address or file> [--incident <id>] [--out <timeline.yaml>]

  <address or file>  an incident page (https://status.example.com/incidents/abc123), a status
                     page (https://status.example.com, then --incident is needed), its API
                     (…/api/v2/incidents.json or …/api/v2/incidents/<id>.json), or a saved JSON file
  --incident <id>    the incident to import (the last part of its address)
  --out <file>       the timeline.yaml to write or merge into, e.g.
                     content/incidents/<slug>/timeline.yaml (without it, the result is printed)
`;

/** `aftermath import statuspage …` */
export function run(args: string[]): Promise<void> {
  return runImport(args, {
    command: 'aftermath import statuspage',
    usage: USAGE,
    source: statuspage,
    options: { incident: { type: 'string' } },
    allowPositionals: true,
    request(values, positionals) {
      if (positionals.length !== 1) {
        throw new UsageError(
          positionals.length === 0
            ? 'give the status page address or a JSON file'
            : `expected one address or file, found ${positionals.length}: ${positionals.join(' ')}`,
        );
      }
      // An address that cannot be right, or a missing --incident, is a usage error (exit code 2).
      return asUsage(() => resolveStatuspageInput(positionals[0]!, values.incident));
    },
  });
}
