/** A validator for OSV documents, from the official schema kept in tests/fixtures/schemas/osv/. */
import Ajv2020 from 'ajv/dist/2020.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './site.ts';

export function osvValidator() {
  const schema = JSON.parse(readFileSync(join(projectRoot, 'tests/fixtures/schemas/osv/schema.json'), 'utf8'));
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  ajv.addFormat('date-time', (text: string) => !Number.isNaN(Date.parse(text)));
  ajv.addFormat('uri', (text: string) => URL.canParse(text));
  return ajv.compile(schema);
}
