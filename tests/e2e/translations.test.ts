/**
 * A team's site translating an incident, as issue 25 has it: the fixture site adds zh-cn (built
 * in) and French (its own catalogue, from its config), translates one incident, stamps it with
 * `aftermath translations --stamp`, then edits the English story. `aftermath check` lists the
 * translation as behind (exit 0: never a failure) and the Chinese page says so at the top, with
 * the day of the translation and the section that changed.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { aftermathBin, buildSite, copyFixtureSite, runNode } from '../support/site.ts';

const SLUG = '2024-06-02-queue-backlog';
const root = copyFixtureSite('basic');
const outDir = mkdtempSync(join(tmpdir(), 'aftermath-translations-'));
const folder = join(root, 'content/incidents', SLUG);
const page = (path: string) => readFileSync(join(outDir, path, 'index.html'), 'utf8');
/** An edit of one of the copy's files; a text that is not there fails the test rather than edit nothing. */
function replaceIn(file: string, text: string, replacement: string) {
  const before = readFileSync(file, 'utf8');
  expect(before, file).toContain(text);
  writeFileSync(file, before.replace(text, replacement));
}

const STORY = `---
title: 消费者发布后结账队列积压
summary: >-
  一次消费者发布后不再确认消息，结账队列增长了两个小时，订单确认被推迟。回滚之后队列被清空。
---

## 事件经过

消费者集群在 09:15 重新部署，之后不再确认消息。<OnCall rotation="checkout-primary" />

\`\`\`mermaid
flowchart LR
  Producer["生产者"] --> Queue["队列"] --> Consumer["消费者"]
  Consumer -. "没有确认" .-> Queue
\`\`\`

## 有问题的改动

\`\`\`diff
- await message.ack();
+ // ack moved into the retry wrapper
\`\`\`

\`\`\`ts
export async function consume(message: Message): Promise<void> {
  await handle(message);
  await message.ack();
}
\`\`\`

### 后续行动

恢复确认，并针对队列积压时间增加告警。
`;

beforeAll(async () => {
  replaceIn(
    join(root, 'astro.config.mjs'),
    "title: 'Aftermath',",
    "title: 'Aftermath',\n      locales: ['en', 'zh-cn', { code: 'fr', label: 'Français', strings: { 'toc.title': 'Sur cette page' } }],",
  );
  writeFileSync(join(folder, 'index.zh-cn.mdx'), STORY);
  writeFileSync(
    join(folder, 'strings.zh-cn.yaml'),
    '- en: Consumer release 42 rolls out\n  zh-cn: 消费者第 42 版发布上线\n',
  );
  const stamped = await runNode([aftermathBin, 'translations', '--stamp', SLUG, '--locale', 'zh-cn'], { cwd: root });
  expect(stamped.code, stamped.stderr).toBe(0);
  expect(stamped.stdout).toContain(`content/incidents/${SLUG}/index.zh-cn.mdx: stamped`);
}, 120_000);

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(outDir, { recursive: true, force: true });
});

it('builds each locale’s pages: Chinese from the translation, French from the site’s own catalogue', async () => {
  const built = await buildSite(root, outDir);
  expect(built.code, built.stdout + built.stderr).toBe(0);
  const zh = page(`zh-cn/incidents/${SLUG}`);
  expect(zh).toMatch(/<h1[^>]*>消费者发布后结账队列积压<\/h1>/);
  expect(zh).toContain('消费者第 42 版发布上线');
  // Current, but the timeline's other texts are still English: said, with their number.
  expect(zh).toContain('data-edition-notice="partial"');
  expect(zh).not.toContain('data-edition-notice="stale"');
  const fr = page(`fr/incidents/${SLUG}`);
  expect(fr).toContain('<html lang="fr"');
  expect(fr).toContain('Sur cette page');
  // Where the French catalogue is silent, English; the incident itself is untranslated.
  expect(fr).toContain('Timeline');
  expect(fr).toContain('data-edition-notice="untranslated"');
}, 300_000);

it('lists the translation as behind once the English story changes, and the Chinese page says what changed', async () => {
  replaceIn(
    join(folder, 'index.mdx'),
    '## The faulty change\n',
    '## The faulty change\n\nThe retry wrapper never called ack on success.\n',
  );
  const check = await runNode([aftermathBin, 'check'], { cwd: root });
  expect(check.code, check.stderr).toBe(0);
  expect(check.stdout).toContain('translations behind their source (npx aftermath translations):');
  expect(check.stdout).toMatch(
    new RegExp(`${SLUG} \\(zh-cn\\): changed since \\d{4}-\\d{2}-\\d{2}: "The faulty change"`),
  );
  const listed = await runNode([aftermathBin, 'translations'], { cwd: root });
  expect(listed.code).toBe(0);
  expect(listed.stdout).toContain('zh-cn: 1 of 2 incident(s) translated');

  const built = await buildSite(root, outDir);
  expect(built.code, built.stdout + built.stderr).toBe(0);
  const zh = page(`zh-cn/incidents/${SLUG}`);
  const notice = /<div class="page-notice edition-notice"[^>]*data-edition-notice="stale"[^>]*>([\s\S]*?)<\/div>/.exec(
    zh,
  )?.[1];
  expect(notice, 'the stale notice').toBeDefined();
  const today = new Intl.DateTimeFormat('zh-CN', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date());
  expect(notice).toContain(`本译文完成（${today}）之后，英语原文有了改动`);
  expect(notice).toMatch(/<li lang="en"[^>]*>The faulty change<\/li>/);
  expect(notice).not.toContain('What happened');
}, 300_000);
