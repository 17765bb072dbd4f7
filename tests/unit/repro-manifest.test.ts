/**
 * repro.yaml's services and faults: what a valid manifest becomes (services by name and by
 * command in one list, the proxy's faults resolved per cell), and every mistake reported as a
 * located content problem: file, line, field, what was expected and what to do.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readArchive } from '../../src/archive/archive.ts';
import { fillPlaceholders, portNames } from '../../src/repro/services/command-service.ts';
import { proxySettings } from '../../src/repro/services/faults.ts';
import { planLane } from '../../src/repro/services/latency-proxy.ts';
import { proxyTarget, reproSchema } from '../../src/schemas/repro.ts';
import { copyFixtureSite, INCIDENT, tempDirs } from '../fixtures/repro/support.ts';

const temps = tempDirs();
afterAll(() => temps.removeAll());

const HEAD = `title: T
runtime: python
entry: main.py
expect: { reproduced: LEAK, not_reproduced: OK }
`;

/** The problems of a fixture site with one more repro whose repro.yaml is `yaml`. */
function problemsOf(yaml: string) {
  const site = copyFixtureSite(temps.make());
  const dir = join(site, 'content/incidents', INCIDENT, 'repros/bad');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'repro.yaml'), yaml);
  writeFileSync(join(dir, 'main.py'), '');
  return readArchive(site).problems.map(({ file, ...rest }) => ({
    file: file.replace(`content/incidents/${INCIDENT}/repros/bad/`, ''),
    ...rest,
  }));
}

describe('services in repro.yaml', () => {
  it('mixes names and servers declared by command in one list, with defaults filled in', () => {
    const manifest = reproSchema.parse({
      ...reproSchema.parse({
        title: 'T',
        runtime: 'python',
        entry: 'm.py',
        expect: { reproduced: 'A', not_reproduced: 'B' },
      }),
      services: [
        'redis',
        {
          name: 'web',
          command: 'python3',
          args: ['-m', 'http.server', '{port}', 8],
          env: { SERVICE_URL: 'http://{host}:{port}/' },
        },
        'latency-proxy',
      ],
    });
    expect(manifest.services).toEqual([
      'redis',
      {
        name: 'web',
        command: 'python3',
        args: ['-m', 'http.server', '{port}', '8'],
        ready: { port: true, timeout_s: 10 },
        env: { SERVICE_URL: 'http://{host}:{port}/' },
        server_env: {},
      },
      'latency-proxy',
    ]);
    // With redis listed, the proxy fronts redis unless proxy.target says otherwise.
    expect(proxyTarget(manifest)).toBe('redis');
    expect(proxyTarget({ ...manifest, services: manifest.services.filter((s) => s !== 'redis') })).toBe('web');
    expect(proxyTarget({ services: ['latency-proxy'] })).toBe('redis');
  });

  it('keeps services: [redis, latency-proxy] and proxy: { delay_ms } as they were', () => {
    const manifest = reproSchema.parse({
      title: 'T',
      runtime: 'python',
      entry: 'm.py',
      services: ['redis', 'latency-proxy'],
      proxy: { delay_ms: 20 },
      expect: { reproduced: 'A', not_reproduced: 'B' },
    });
    expect(manifest.proxy).toEqual({ delay_ms: 20, faults: [] });
    expect(proxySettings(manifest)).toEqual({ upstreamDelayMs: 20, downstreamDelayMs: 20, faults: [] });
    // Without a proxy block the proxy delays by 100 ms, as always; a fault block alone adds no delay.
    expect(proxySettings({})).toMatchObject({ upstreamDelayMs: 100, downstreamDelayMs: 100 });
    const faulty = reproSchema.parse({ ...manifest, proxy: { faults: [{ reset_after_bytes: 10 }] } });
    expect(faulty.proxy!.delay_ms).toBe(0);
  });

  it('fills placeholders: ports by name, the folder, the host, parameters; other braces stay text', () => {
    const values = { host: '127.0.0.1', dir: 'run/x', ports: { port: 1000, admin: 2000 }, parameters: { SIZE: '64' } };
    expect(
      fillPlaceholders('--port={port} --admin {port:admin} --dir {dir}/d -s {SIZE} {"a": 1} {UNKNOWN}', values),
    ).toBe('--port=1000 --admin 2000 --dir run/x/d -s 64 {"a": 1} {UNKNOWN}');
    expect(portNames('{port} {port:admin} {dir} {port:bus}')).toEqual(['port', 'admin', 'bus']);
  });

  it('reports mistakes in a service at their line, saying what was expected', () => {
    expect(
      problemsOf(`${HEAD}parameters:
  SIZE: [1, 2]
services:
  - redis
  - postgres
  - name: web
    command: python3
    args: [-m, http.server, "{prot}", "{SZE}"]
    ready: { lg: "x" }
    env:
      REDIS_PORT: "{port}"
      SIZE: "1"
  - name: web
    command: ""
`),
    ).toEqual([
      {
        file: 'repro.yaml',
        line: 9,
        field: 'services[1]',
        message:
          'expected a built-in service (redis, redis-cluster, latency-proxy), one the site declares in its config (aftermath({ services })), or a service declared here by command (a mapping with name and command); found "postgres"',
      },
      {
        file: 'repro.yaml',
        line: 13,
        field: 'services[2].ready.lg',
        message: 'unknown field "lg": check the spelling, or remove it',
      },
      {
        file: 'repro.yaml',
        line: 18,
        field: 'services[3].command',
        message: 'the command that starts the server (a program on PATH, or its path) must not be empty; found ""',
      },
    ]);
    expect(
      problemsOf(`${HEAD}parameters:
  SIZE: [1, 2]
services:
  - name: web
    command: python3
    args: [-m, http.server, "{prot}", "{SZE}"]
    env:
      REDIS_PORT: "{port}"
      SIZE: "1"
  - name: web
    command: python3
`),
    ).toEqual([
      {
        file: 'repro.yaml',
        line: 10,
        field: 'services[0].args[2]',
        message:
          'unknown placeholder {prot}: use {port}, {port:NAME} for another port, {dir}, {host}, or a parameter such as {SIZE}; found "{prot}"',
      },
      {
        file: 'repro.yaml',
        line: 10,
        field: 'services[0].args[3]',
        message:
          '{SZE} names no parameter (the parameters are SIZE): declare it under parameters, or fix the name; found "{SZE}"',
      },
      {
        file: 'repro.yaml',
        line: 12,
        field: 'services[0].env.REDIS_PORT',
        message: 'REDIS_PORT is set by the runner itself: choose another name, e.g. WEB_URL; found "REDIS_PORT"',
      },
      {
        file: 'repro.yaml',
        line: 13,
        field: 'services[0].env.SIZE',
        message: 'SIZE is also a parameter: the snippet would see only one of them; rename one; found "SIZE"',
      },
      {
        file: 'repro.yaml',
        line: 14,
        field: 'services[1].name',
        message: 'another service is already named "web": give each service its own name; found "web"',
      },
    ]);
  });
});

describe('faults in repro.yaml', () => {
  const base = { title: 'T', runtime: 'python', entry: 'm.py', expect: { reproduced: 'A', not_reproduced: 'B' } };

  it('resolves amounts per cell: a number as is, "{NAME}" as the cell\'s value', () => {
    const manifest = reproSchema.parse({
      ...base,
      parameters: { RATE: [1000, 50000] },
      services: [{ name: 'web', command: 'python3' }, 'latency-proxy'],
      proxy: {
        faults: [
          { direction: 's2c', bytes_per_s: '{RATE}', latency_ms: 5, jitter_ms: 2 },
          { connections: [1], reset_after_bytes: 100 },
        ],
        refuse: { for_ms: 300 },
      },
    });
    expect(proxySettings(manifest, { RATE: '1000' })).toEqual({
      upstreamDelayMs: 0,
      downstreamDelayMs: 0,
      faults: [
        { direction: 's2c', bytesPerS: 1000, latencyMs: 5, jitterMs: 2 },
        { direction: 'both', connections: [1], resetAfterBytes: 100 },
      ],
      refuse: { afterMs: 0, forMs: 300 },
    });
    expect(proxySettings(manifest, { RATE: '50000' }).faults[0]!.bytesPerS).toBe(50000);
    expect(() => proxySettings(manifest, { RATE: 'fast' })).toThrow(
      /this cell's RATE is "fast": give RATE numbers ≥ 0/,
    );
  });

  it('combines the faults that select a connection and direction', () => {
    const faults = [
      { direction: 'both' as const, latencyMs: 10, jitterMs: 4 },
      { direction: 's2c' as const, latencyMs: 5, bytesPerS: 5000, stallAfterBytes: 50 },
      {
        direction: 's2c' as const,
        connections: [2],
        bytesPerS: 100,
        closeAfterBytes: 50,
        resetAfterMs: 300,
        stallAfterMs: 200,
      },
    ];
    expect(planLane(faults, 1, 'c2s', 3)).toEqual({ delayMs: 13, jitterMs: 4 });
    expect(planLane(faults, 1, 's2c', 3)).toEqual({
      delayMs: 18,
      jitterMs: 4,
      bytesPerS: 5000,
      cut: { bytes: 50, action: 'stall' },
    });
    // Connection 2: the lowest bandwidth wins; at the same byte count a close beats a stall; the earliest timer wins.
    expect(planLane(faults, 2, 's2c', 0)).toEqual({
      delayMs: 15,
      jitterMs: 4,
      bytesPerS: 100,
      cut: { bytes: 50, action: 'close' },
      timed: { ms: 200, action: 'stall' },
    });
  });

  it('reports bad faults at their line: unknown parameters, non-numeric sweeps, jitter, a proxy without the proxy', () => {
    expect(
      problemsOf(`${HEAD}parameters:
  MODE: [fast, slow]
services: [redis, latency-proxy]
proxy:
  faults:
    - direction: sideways
      bytes_per_s: -1
    - bytes_per_s: "{RATE}"
      reset_after_bytes: "{MODE}"
    - latency_ms: 5
      jitter_ms: 10
    - connections: [0]
    - {}
`),
    ).toEqual([
      {
        file: 'repro.yaml',
        line: 10,
        field: 'proxy.faults[0].direction',
        message: 'expected direction to be c2s (client to server), s2c (server to client) or both; found "sideways"',
      },
      {
        file: 'repro.yaml',
        line: 11,
        field: 'proxy.faults[0].bytes_per_s',
        message: 'bytes_per_s cannot be negative; found -1',
      },
      {
        file: 'repro.yaml',
        line: 16,
        field: 'proxy.faults[3].connections[0]',
        message: 'connections are numbered from 1; found 0',
      },
      // Which connections is not what to do to them: a fault needs an effect.
      {
        file: 'repro.yaml',
        line: 16,
        field: 'proxy.faults[3]',
        message: expect.stringMatching(/^a fault needs at least one of: latency_ms, jitter_ms, bytes_per_s, /),
      },
      {
        file: 'repro.yaml',
        line: 17,
        field: 'proxy.faults[4]',
        message: expect.stringMatching(
          /^a fault needs at least one of: latency_ms, jitter_ms, bytes_per_s, .*; found a mapping$/,
        ),
      },
    ]);
    expect(
      problemsOf(`${HEAD}parameters:
  MODE: [fast, slow]
services: [redis, latency-proxy]
proxy:
  faults:
    - bytes_per_s: "{RATE}"
      reset_after_bytes: "{MODE}"
    - latency_ms: 5
      jitter_ms: 10
`),
    ).toEqual([
      {
        file: 'repro.yaml',
        line: 10,
        field: 'proxy.faults[0].bytes_per_s',
        message:
          '{RATE} names no parameter (the parameters are MODE): declare it under parameters, or write a number; found "{RATE}"',
      },
      {
        file: 'repro.yaml',
        line: 11,
        field: 'proxy.faults[0].reset_after_bytes',
        message: 'the parameter MODE sweeps this fault, so each of its values must be a number ≥ 0; found "fast"',
      },
      {
        file: 'repro.yaml',
        line: 13,
        field: 'proxy.faults[1].jitter_ms',
        message: expect.stringMatching(/^jitter_ms must be at most latency_ms/),
      },
    ]);
    expect(problemsOf(`${HEAD}services: [redis]\nproxy: { faults: [{ stall_after_ms: 10 }] }\n`)).toEqual([
      {
        file: 'repro.yaml',
        line: 6,
        field: 'proxy',
        message:
          'proxy settings take effect only with latency-proxy in services (found services: redis): add latency-proxy to services, or remove proxy',
      },
    ]);
    expect(
      problemsOf(
        `${HEAD}services:\n  - latency-proxy\n  - { name: a, command: x }\n  - { name: b, command: y }\nproxy: { target: c, delay_ms: 5 }\n`,
      ),
    ).toEqual([
      {
        file: 'repro.yaml',
        line: 9,
        field: 'proxy.target',
        message: 'the proxy can front redis, a, b: "c" is not one of them; found "c"',
      },
    ]);
  });
});

describe('which service the proxy fronts', () => {
  it('asks for proxy.target when several services could sit behind it', () => {
    expect(
      problemsOf(
        `${HEAD}services:\n  - latency-proxy\n  - { name: a, command: x }\n  - { name: b, command: y }\nproxy: { delay_ms: 5 }\n`,
      ),
    ).toEqual([
      {
        file: 'repro.yaml',
        line: 9,
        field: 'proxy.target',
        message:
          'several services could sit behind the proxy: say which with proxy.target (one of redis, a, b); the field is missing',
      },
    ]);
  });
});

describe('package.versions as a range', () => {
  it('accepts a PEP 440 range and leaves the list to the recording', () => {
    const manifest = reproSchema.parse({
      title: 'T',
      runtime: 'python',
      entry: 'main.py',
      package: { name: 'redis', versions: { range: '>=4.2.0,<=4.5.5' }, advisory: 'CVE-2023-28859' },
      expect: { reproduced: 'LEAK', not_reproduced: 'OK' },
    });
    expect(manifest.package).toEqual({
      name: 'redis',
      versions: [],
      range: '>=4.2.0,<=4.5.5',
      advisory: 'CVE-2023-28859',
    });
  });

  it('reports an advisory that history.yaml does not hold, at its line', () => {
    expect(problemsOf(`${HEAD}package:\n  name: redis\n  versions: ["1.0"]\n  advisory: CVE-2099-0001\n`)).toEqual([
      {
        file: 'repro.yaml',
        line: 8,
        field: 'package.advisory',
        message: expect.stringMatching(
          /^"CVE-2099-0001" is not an advisory in content\/incidents\/.*\/history\.yaml \(.*\)\. Add the advisory there with its affected ranges, or fix the id$/,
        ),
      },
    ]);
  });

  it("reports a range the runtime's version scheme cannot read, at its line, with that scheme's example", () => {
    expect(problemsOf(`${HEAD}package:\n  name: redis\n  versions: { range: "from 4.2 on" }\n`)).toEqual([
      {
        file: 'repro.yaml',
        line: 7,
        field: 'package.versions.range',
        message: 'expected a PEP 440 version range for a python repro, e.g. ">=4.2.0,<=4.5.5"; found "from 4.2 on"',
      },
    ]);
    const node = (range: string) =>
      `${HEAD.replace('runtime: python', 'runtime: node')}package:\n  name: left-pad\n  versions: { range: "${range}" }\n`;
    expect(problemsOf(node('^1.3.0'))).toEqual([]);
    expect(problemsOf(node('>=1.2.0, <2'))).toEqual([]);
    expect(problemsOf(node('1.3 or later'))).toEqual([
      {
        file: 'repro.yaml',
        line: 7,
        field: 'package.versions.range',
        message:
          'expected a semantic versioning (npm) version range for a node repro, e.g. ">=1.2.0, <2.0.0"; found "1.3 or later"',
      },
    ]);
  });
});

describe('latest in package.versions', () => {
  it('is a matrix entry for every runtime', () => {
    const node = `${HEAD.replace('runtime: python', 'runtime: node')}package:\n  name: left-pad\n  versions: ["1.3.0", latest]\n`;
    expect(problemsOf(node)).toEqual([]);
  });
});
