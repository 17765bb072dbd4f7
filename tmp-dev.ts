import { rmSync } from 'node:fs';
import { copyFixtureSite, startDevServer } from './tests/support/site.ts';
const root = copyFixtureSite(process.argv[2] ?? 'dev-loop');
const dev = await startDevServer(root);
for (const p of process.argv.slice(3)) {
  const r = await fetch(dev.url + p, { redirect: 'manual' });
  console.log(r.status, p, r.headers.get('content-type'), (await r.text()).slice(0, 60).replace(/\n/g, ' '));
}
await dev.stop();
rmSync(root, { recursive: true, force: true });
