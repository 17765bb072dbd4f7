/**
 * Real servers per cell: redis-server by name, and any server declared by command (here
 * redis-server and Python's http.server), each up on free loopback ports, ready by its check,
 * and gone without a trace: no process of its group, no temp folder.
 */
import { existsSync, mkdirSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { liveCount } from '../../src/repro/cleanup.ts';
import { startCellServices } from '../../src/repro/services/cell-services.ts';
import { startCommandService } from '../../src/repro/services/command-service.ts';
import { describeFrame } from '../../src/repro/wire/resp.ts';
import { ping, redisCommand, resolveRedisBinary, startRedis } from '../../src/repro/services/redis.ts';
import { commandService, reproSchema } from '../../src/schemas/repro.ts';
import { groupMembers, isAlive, pgrep } from '../fixtures/repro/support.ts';

/** Resolves with the connect error code ('ECONNREFUSED') or 'connected'. */
function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve('connected')));
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

describe('startRedis', { timeout: 30_000 }, () => {
  it('starts a private server on 127.0.0.1 that answers PING, and stop() leaves nothing behind', async () => {
    const redis = await startRedis();
    // A failed assertion must not leak the server: vitest ends its workers without 'exit' hooks.
    onTestFinished(() => redis.stop());
    expect(redis.host).toBe('127.0.0.1');
    expect(redis.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(existsSync(redis.dir)).toBe(true);
    expect(await ping(redis.host, redis.port)).toBe(true);
    // It is a real server with real state, and it persists nothing.
    expect(await redisCommand(redis.host, redis.port, ['SET', 'k', 'v'])).toEqual({ kind: 'simple', text: 'OK' });
    const save = await redisCommand(redis.host, redis.port, ['CONFIG', 'GET', 'save']);
    expect(describeFrame(save, 'reply')).toBe('["save", ""]');
    const bind = await redisCommand(redis.host, redis.port, ['CONFIG', 'GET', 'bind']);
    expect(describeFrame(bind, 'reply')).toBe('["bind", "127.0.0.1"]');
    const appendonly = await redisCommand(redis.host, redis.port, ['CONFIG', 'GET', 'appendonly']);
    expect(describeFrame(appendonly, 'reply')).toBe('["appendonly", "no"]');
    expect(pgrep(`redis-server 127.0.0.1:${redis.port}`)).toEqual([redis.pid]);

    await redis.stop();
    expect(isAlive(redis.pid)).toBe(false);
    expect(pgrep(`redis-server 127.0.0.1:${redis.port}`)).toEqual([]);
    expect(existsSync(redis.dir)).toBe(false);
    expect(await tryConnect(redis.port)).toBe('ECONNREFUSED');
    // The port is free for anyone again.
    const server = createServer();
    await new Promise<void>(
      (resolve, reject) => (server.once('error', reject), server.listen(redis.port, '127.0.0.1', resolve)),
    );
    await new Promise((resolve) => server.close(resolve));
    await redis.stop(); // twice is fine
    expect(liveCount()).toBe(0);
  });

  it('gives each caller its own server', async () => {
    const [a, b] = await Promise.all([startRedis(), startRedis()]);
    try {
      expect(a.port).not.toBe(b.port);
      await redisCommand(a.host, a.port, ['SET', 'only-in-a', '1']);
      expect(await redisCommand(b.host, b.port, ['GET', 'only-in-a'])).toEqual({ kind: 'nil' });
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('honours REDIS_SERVER and says how to install redis-server when it is missing', async () => {
    expect(resolveRedisBinary({ env: { REDIS_SERVER: '/usr/bin/redis-server', PATH: '' } })).toBe(
      '/usr/bin/redis-server',
    );
    await expect(startRedis({ env: { PATH: '/nonexistent' } })).rejects.toThrow(
      'redis-server not found: install it with apt-get install redis-server',
    );
    await expect(startRedis({ env: { REDIS_SERVER: '/nope/redis-server', PATH: '' } })).rejects.toThrow(
      /REDIS_SERVER=\/nope\/redis-server/,
    );
  });
});

const REDIS_BY_COMMAND = {
  name: 'kv',
  command: 'redis-server',
  args: ['--port', '{port}', '--bind', '{host}', '--save', '', '--appendonly', 'no', '--dir', '{dir}'],
  ready: { log: 'Ready to accept connections' },
  env: { KV_URL: 'redis://{host}:{port}/0' },
};
const HTTP_BY_COMMAND = {
  name: 'web',
  command: 'python3',
  args: ['-m', 'http.server', '{port}', '--bind', '{host}', '--directory', '{dir}'],
  env: { SERVICE_URL: 'http://{host}:{port}/' },
};
const HTTP_PROBE = [
  'python3',
  '-c',
  "import urllib.request; urllib.request.urlopen('http://{host}:{port}/', timeout=1)",
];

async function httpGet(url: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.text() };
}

describe('a service declared by command', { timeout: 30_000 }, () => {
  it('redis-server, ready by a log line: its own port and folder, its env filled in, and stop() leaves nothing', async () => {
    const kv = await startCommandService(commandService.parse(REDIS_BY_COMMAND));
    onTestFinished(() => kv.stop());
    expect(kv.host).toBe('127.0.0.1');
    expect(kv.env()).toEqual({ KV_URL: `redis://127.0.0.1:${kv.port}/0` });
    expect(await ping(kv.host, kv.port)).toBe(true);
    // The folder is its working folder and its data folder, nothing is kept elsewhere.
    expect(readlinkSync(`/proc/${kv.pid}/cwd`)).toBe(kv.dir);
    expect(describeFrame(await redisCommand(kv.host, kv.port, ['CONFIG', 'GET', 'dir']), 'reply')).toBe(
      `["dir", "${kv.dir}"]`,
    );
    expect(groupMembers(kv.pid)).toEqual([kv.pid]);
    expect(kv.output()).toMatch(/Ready to accept connections/);

    await kv.stop();
    expect(isAlive(kv.pid)).toBe(false);
    expect(existsSync(kv.dir)).toBe(false);
    expect(await tryConnect(kv.port)).toBe('ECONNREFUSED');
    await kv.stop();
    expect(liveCount()).toBe(0);
  });

  it('http.server, ready when its port accepts connections, serving its private folder', async () => {
    const web = await startCommandService(commandService.parse(HTTP_BY_COMMAND));
    onTestFinished(() => web.stop());
    writeFileSync(join(web.dir, 'hello.txt'), 'hello from the folder');
    expect(await httpGet(`${web.env().SERVICE_URL}hello.txt`)).toEqual({ status: 200, body: 'hello from the folder' });
    // A proxy in front changes what {port} means to the snippet, not the server.
    expect(web.env(4242)).toEqual({ SERVICE_URL: 'http://127.0.0.1:4242/' });
    await web.stop();
    expect(isAlive(web.pid)).toBe(false);
    expect(existsSync(web.dir)).toBe(false);
  });

  it('http.server, ready when a probe command exits 0, with a further named port and a parameter in its env', async () => {
    const spec = commandService.parse({
      ...HTTP_BY_COMMAND,
      ready: { probe: HTTP_PROBE },
      env: { SERVICE_URL: 'http://{host}:{port}/{FILE}', SPARE: '{port:spare}' },
    });
    const web = await startCommandService(spec, { parameters: { FILE: 'page.html' } });
    onTestFinished(() => web.stop());
    expect(Object.keys(web.ports).sort()).toEqual(['port', 'spare']);
    expect(web.ports.spare).not.toBe(web.port);
    expect(web.env()).toEqual({
      SERVICE_URL: `http://127.0.0.1:${web.port}/page.html`,
      SPARE: String(web.ports.spare),
    });
    writeFileSync(join(web.dir, 'page.html'), '<p>page</p>');
    expect(await httpGet(web.env().SERVICE_URL!)).toEqual({ status: 200, body: '<p>page</p>' });
  });

  it('says what went wrong, and leaves nothing, when a server is missing, exits early or is never ready', async () => {
    const tmp = tmpdir();
    const before = readdirSync(tmp).filter((name) => name.startsWith(`aftermath-run-${process.pid}-`)).length;
    await expect(
      startCommandService(commandService.parse({ name: 'x', command: 'no-such-server-here' })),
    ).rejects.toThrow(
      'service "x": no-such-server-here not found on PATH: install it (e.g. its Debian package with apt-get), or give its full path in command',
    );
    await expect(
      startCommandService(
        commandService.parse({
          name: 'early',
          command: 'python3',
          args: ['-c', 'print("cannot open config"); raise SystemExit(3)'],
        }),
      ),
    ).rejects.toThrow(
      /^service "early" python3 exited with code 3 before it was ready; last output: cannot open config$/,
    );
    const started = Date.now();
    await expect(
      startCommandService(
        commandService.parse({ ...HTTP_BY_COMMAND, name: 'mute', ready: { log: 'never printed', timeout_s: 1 } }),
      ),
    ).rejects.toThrow(
      /^service "mute" not ready within 1 s \(waiting for a log line matching \/never printed\/\); last output: /,
    );
    expect(Date.now() - started).toBeLessThan(6000);
    expect(readdirSync(tmp).filter((name) => name.startsWith(`aftermath-run-${process.pid}-`)).length).toBe(before);
    expect(liveCount()).toBe(0);
  });
});

describe('two services declared by command in one cell', { timeout: 30_000 }, () => {
  it('start side by side, give the snippet their variables, and stop leaving no process and no temp folder', async () => {
    // A private TMPDIR, so the folders counted are this test's only.
    const tmp = join(tmpdir(), `aftermath-two-services-${process.pid}-${Date.now()}`);
    mkdirSync(tmp);
    const savedTmp = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    onTestFinished(() => {
      if (savedTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmp;
    });
    const manifest = reproSchema.parse({
      title: 't',
      runtime: 'python',
      entry: 'x.py',
      services: [REDIS_BY_COMMAND, { ...HTTP_BY_COMMAND, ready: { probe: HTTP_PROBE } }],
      expect: { reproduced: 'A', not_reproduced: 'B' },
    });
    const services = await startCellServices(manifest, process.env);
    onTestFinished(() => services.stop());
    const [kv, web] = services.commands;
    expect(services.env).toEqual({
      KV_URL: `redis://127.0.0.1:${kv!.port}/0`,
      SERVICE_URL: `http://127.0.0.1:${web!.port}/`,
    });
    expect(readdirSync(tmp).filter((name) => name.startsWith('aftermath-run-'))).toHaveLength(2);
    expect(await ping('127.0.0.1', kv!.port)).toBe(true);
    expect((await httpGet(services.env.SERVICE_URL!)).status).toBe(200);
    const pids = [kv!.pid, web!.pid];
    for (const pid of pids) expect(isAlive(pid)).toBe(true);

    await services.stop();
    for (const pid of pids) {
      expect(isAlive(pid)).toBe(false);
      expect(groupMembers(pid)).toEqual([]);
    }
    expect(readdirSync(tmp)).toEqual([]);
    for (const port of [kv!.port, web!.port]) expect(await tryConnect(port)).toBe('ECONNREFUSED');
    expect(liveCount()).toBe(0);
  });

  it('when one fails to start, stops the other and reports the failure', async () => {
    const manifest = reproSchema.parse({
      title: 't',
      runtime: 'python',
      entry: 'x.py',
      services: [REDIS_BY_COMMAND, { name: 'broken', command: 'python3', args: ['-c', 'raise SystemExit(1)'] }],
      expect: { reproduced: 'A', not_reproduced: 'B' },
    });
    const before = pgrep('^redis-server 127\\.0\\.0\\.1:').length;
    await expect(startCellServices(manifest, process.env)).rejects.toThrow(
      /service "broken" python3 exited with code 1 before it was ready/,
    );
    expect(pgrep('^redis-server 127\\.0\\.0\\.1:').length).toBe(before);
    expect(liveCount()).toBe(0);
  });
});
