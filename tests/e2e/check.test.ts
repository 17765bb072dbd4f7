/** `npm run check` on the bundled site: content and diagrams valid, and astro check finds no type error. */
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { projectRoot, runNode, aftermathBin } from '../support/site.ts';

it('passes on the bundled content, types included', async () => {
  const content = await runNode([aftermathBin, 'check']);
  expect(content.code, content.stderr).toBe(0);
  expect(content.stdout).toMatch(/content OK: \d+ incident\(s\), \d+ diagram\(s\) checked/);
  const types = await runNode([join(projectRoot, 'node_modules/astro/bin/astro.mjs'), 'check']);
  expect(types.code, types.stdout + types.stderr).toBe(0);
  expect(types.stdout).toMatch(/- 0 errors/);
}, 300_000);
