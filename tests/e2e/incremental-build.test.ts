/**
 * Astro's incremental build, as the integration turns it on: a page whose key (src/view/page-keys.ts)
 * and code are unchanged is copied from the last build; anything a page shows that changed makes
 * it render again. Each case edits one kind of input and watches which pages Astro re-rendered.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite, copyFixtureSite, projectRoot } from '../support/site.ts';

const EDITED = '2024-06-02-queue-backlog';
const OTHER = '2022-11-08-dns-expiry';
let root: string;

/** The pages a build rendered (not copied from the last build), from Astro's log. */
function rendered(log: string): Set<string> {
  return new Set(
    [...log.matchAll(/[├└]─ (\/\S+)(.*)$/gm)].filter((m) => !/\((cached|restored)\)/.test(m[2]!)).map((m) => m[1]!),
  );
}

async function build(env: NodeJS.ProcessEnv = {}) {
  const result = await buildSite(root, undefined, env, { incremental: true });
  expect(result.code, result.stdout + result.stderr).toBe(0);
  return {
    log: result.stdout,
    page: (slug: string) => readFileSync(join(root, 'dist/incidents', slug, 'index.html'), 'utf8'),
  };
}

const today = new Date().toISOString().slice(0, 10);

beforeAll(async () => {
  root = copyFixtureSite('basic');
  // A follow-up due today: on time today, overdue on the next day's build.
  writeFileSync(
    join(root, 'content/incidents', EDITED, 'actions.yaml'),
    `- id: alert-on-age\n  title: Alert on the age of the oldest message\n  kind: detect\n  owner: Checkout team\n  status: open\n  due: "${today}"\n`,
  );
  await build();
}, 240_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('an incremental build', { timeout: 240_000 }, () => {
  it('renders nothing again when nothing changed, and writes the same pages', async () => {
    const before = readFileSync(join(root, 'dist/incidents', EDITED, 'index.html'), 'utf8');
    const { log, page } = await build();
    const again = rendered(log);
    expect([...again].filter((p) => p.startsWith('/incidents/'))).toEqual([]);
    expect(page(EDITED)).toBe(before);
  });

  it("renders an incident's pages again when its story changes, and leaves the others", async () => {
    const file = join(root, 'content/incidents', EDITED, 'index.mdx');
    writeFileSync(file, `${readFileSync(file, 'utf8')}\nA sentence added after the first build.\n`);
    const { log, page } = await build();
    const again = rendered(log);
    expect(again).toContain(`/incidents/${EDITED}/index.html`);
    expect(again).toContain(`/incidents/${EDITED}.md`);
    expect(again).not.toContain(`/incidents/${OTHER}/index.html`);
    expect(page(EDITED)).toContain('A sentence added after the first build.');
  });

  it('renders the pages again when its data changes (a timeline entry), and the pages that list it', async () => {
    const file = join(root, 'content/incidents', EDITED, 'timeline.yaml');
    writeFileSync(
      file,
      `${readFileSync(file, 'utf8')}- at: "2024-06-02T12:00:00+02:00"\n  kind: note\n  title: Postmortem review held\n  source: https://status.example.com/incidents/abc123\n  confidence: verified\n`,
    );
    const { log, page } = await build();
    const again = rendered(log);
    expect(again).toContain(`/incidents/${EDITED}/index.html`);
    expect(again).toContain(`/incidents/${EDITED}.json`);
    expect(again).toContain('/feeds/updates.atom');
    expect(again).not.toContain(`/incidents/${OTHER}/index.html`);
    expect(page(EDITED)).toContain('Postmortem review held');
  });

  it('renders a page again on the day one of its follow-ups becomes overdue', async () => {
    // The overdue badge, not its style rule (a component's scoped rule names the class too).
    const overdueBadge = 'class="badge fu-overdue"';
    expect(readFileSync(join(root, 'dist/incidents', EDITED, 'index.html'), 'utf8')).not.toContain(overdueBadge);
    const nextDay = { NODE_OPTIONS: `--import ${join(projectRoot, 'bench/next-day.mjs')}` };
    const { log, page } = await build(nextDay);
    const again = rendered(log);
    expect(again).toContain(`/incidents/${EDITED}/index.html`);
    expect(again).toContain('/follow-ups/index.html');
    expect(again).not.toContain(`/incidents/${OTHER}/index.html`);
    expect(page(EDITED)).toContain(overdueBadge);
  });
});
