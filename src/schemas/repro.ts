/** `content/incidents/<slug>/repros/<id>/repro.yaml`: how to run a reproduction and judge it. */
import { z } from 'astro/zod';
import { RUNTIME_NAMES, versionSchemeOf } from '../domain/runtimes.ts';
import { nonEmpty } from './fields.ts';
import { budgetPatterns, measurementChecks, measurementFields } from './repro-measurements.ts';

/** Services known by name; any other server is declared by command (see {@link commandService}). */
export const SERVICES = ['redis', 'redis-cluster', 'latency-proxy'] as const;
export type NamedService = (typeof SERVICES)[number];

/** How the proxy's trace is shown: `resp` decodes Redis messages, `bytes` shows sized chunks. */
export const WIRE_DECODERS = ['resp', 'bytes'] as const;
export type WireDecoderName = (typeof WIRE_DECODERS)[number];

/** Which way bytes flow through the proxy: client to server, server to client, or both. */
export const FAULT_DIRECTIONS = ['c2s', 's2c', 'both'] as const;

const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
const PARAMETER_NAME = /^[A-Z][A-Z0-9_]*$/;
/** `{port}`, `{port:admin}`, `{dir}`, `{host}`, or a parameter `{BANDWIDTH}`; other braces are text. */
const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9_]*(?::[a-z][a-z0-9_-]*)?)\}/g;
const SERVICE_PLACEHOLDERS = 'use {port}, {port:NAME} for another port, {dir}, {host}, or a parameter such as {SIZE}';

const pattern = z.string().refine(
  (text) => {
    try {
      new RegExp(text);
      return true;
    } catch {
      return false;
    }
  },
  { error: 'expected a valid regular expression' },
);

/**
 * Picks the schema by the kind of YAML value (a string, or anything else), instead of a union
 * that would report every branch: a misspelt name gets the list of names, a mapping gets its
 * own field's problem.
 */
function byKind<S extends z.ZodType, O extends z.ZodType>(ifString: S, otherwise: O) {
  return z.unknown().transform((input, ctx): z.output<S> | z.output<O> => {
    const result = (typeof input === 'string' ? ifString : otherwise).safeParse(input, { reportInput: true });
    if (result.success) return result.data as z.output<S> | z.output<O>;
    for (const issue of result.error.issues) ctx.addIssue(issue as Parameters<typeof ctx.addIssue>[0]);
    return z.NEVER;
  });
}

/** A value the placeholders of a command or env may fill in: numbers are written as text. */
const text = (what: string) =>
  z.union([z.string(), z.number()], { error: `expected ${what} as text` }).transform(String);

/**
 * A fault amount: a number, or `"{NAME}"` naming a parameter whose values it takes cell by
 * cell (so a parameter can sweep a fault: `bytes_per_s: "{RATE}"`).
 */
const amount = (what: string) =>
  byKind(
    z.string().regex(/^\{[A-Z][A-Z0-9_]*\}$/, { error: `expected ${what} as a number, or a parameter as "{NAME}"` }),
    z
      .number({ error: `expected ${what} as a number, or a parameter as "{NAME}"` })
      .nonnegative({ error: `${what} cannot be negative` }),
  );

const readiness = z
  .strictObject({
    /** The TCP port accepts connections: `true` for `{port}`, or the NAME of `{port:NAME}`. */
    port: z
      .union([z.literal(true), z.string().regex(/^[a-z][a-z0-9_-]*$/)], {
        error: "expected port: true (the service's {port}) or the NAME of a {port:NAME}",
      })
      .optional(),
    /** A line the server prints (stdout or stderr) matches this regular expression. */
    log: pattern.optional(),
    /** A command (program and arguments, placeholders allowed) that exits 0 once the server answers. */
    probe: z
      .array(text('a probe argument'), { error: 'expected probe as a list: the program, then its arguments' })
      .min(1, { error: 'give the probe command' })
      .optional(),
    timeout_s: z
      .number({ error: 'expected ready.timeout_s as a number of seconds' })
      .positive({ error: 'ready.timeout_s must be more than 0 seconds' })
      .max(600, { error: 'ready.timeout_s must be at most 600 seconds' })
      .default(10),
  })
  .transform((ready) =>
    ready.port === undefined && ready.log === undefined && ready.probe === undefined
      ? { ...ready, port: true as const }
      : ready,
  );

/**
 * A server started by command for one matrix cell, like redis: on loopback, on ports the runner
 * allocates, in a private temp folder, stopped (its whole process group) when the cell ends.
 */
export const commandService = z.strictObject(
  {
    /** Names the service in messages and in `proxy.target`. */
    name: z
      .string({ error: 'expected a name for the service, e.g. web' })
      .regex(/^[a-z][a-z0-9-]*$/, { error: 'expected a service name in lower case letters, digits and "-", e.g. web' })
      .refine((name) => !(SERVICES as readonly string[]).includes(name), {
        error: `this name belongs to a built-in service (${SERVICES.join(', ')}): choose another`,
      }),
    /** A program on PATH (e.g. from a Debian package) or a path to one. */
    command: nonEmpty('the command that starts the server (a program on PATH, or its path)'),
    args: z.array(text('an argument'), { error: 'expected args as a list of arguments' }).default([]),
    ready: readiness.default({ timeout_s: 10, port: true }),
    /** Variables for the snippet, e.g. `SERVICE_URL: http://{host}:{port}/`. */
    env: z
      .record(
        z.string().regex(ENV_NAME, { error: 'variable names are environment variable names, e.g. SERVICE_URL' }),
        text('the value'),
      )
      .default({}),
    /** Variables for the server process itself (added to the runner's environment). */
    server_env: z
      .record(
        z.string().regex(ENV_NAME, { error: 'variable names are environment variable names, e.g. PYTHONUNBUFFERED' }),
        text('the value'),
      )
      .default({}),
    /** How the proxy's trace shows this service's traffic when the proxy fronts it. Default bytes. */
    decoder: z.enum(WIRE_DECODERS, { error: `expected decoder to be one of: ${WIRE_DECODERS.join(', ')}` }).optional(),
  },
  { error: 'expected a service declared by command: a mapping with name, command, args, ready and env' },
);
export type CommandServiceManifest = z.output<typeof commandService>;

/**
 * A service a site declares once in its config (`aftermath({ services: { postgres: {…} } })`)
 * and its repros list by name: a service by command without its name, which is the key.
 */
export const siteService = commandService.omit({ name: true });
export type SiteServiceManifest = z.output<typeof siteService>;

/**
 * One entry of `services`: a built-in or a site's service by name (a site's becomes its full
 * declaration, so the runner and the checks see it as if the repro had declared it), or a
 * service declared by command in the repro itself.
 */
function serviceEntry(site: Readonly<Record<string, SiteServiceManifest>>) {
  const names = [...SERVICES, ...Object.keys(site)];
  const declared = Object.keys(site).length
    ? `one the site declares (${Object.keys(site).join(', ')})`
    : 'one the site declares in its config (aftermath({ services }))';
  return byKind(
    z
      .enum(names as [string, ...string[]], {
        error: `expected a built-in service (${SERVICES.join(', ')}), ${declared}, or a service declared here by command (a mapping with name and command)`,
      })
      .transform((name): NamedService | CommandServiceManifest =>
        Object.hasOwn(site, name) ? { name, ...site[name]! } : (name as NamedService),
      ),
    commandService,
  );
}

/** Fields of a fault that are amounts (numbers or a parameter), in the order they are documented. */
export const FAULT_AMOUNTS = [
  'latency_ms',
  'jitter_ms',
  'bytes_per_s',
  'close_after_bytes',
  'close_after_ms',
  'reset_after_bytes',
  'reset_after_ms',
  'stall_after_bytes',
  'stall_after_ms',
] as const;
export type FaultAmount = (typeof FAULT_AMOUNTS)[number];

/**
 * What the proxy does to the bytes of the connections and the direction it selects. Several
 * faults may select the same bytes: latencies add up, the lowest bandwidth wins, and the first
 * close, reset or stall to trigger ends or freezes the stream.
 */
const fault = z
  .strictObject({
    direction: z
      .enum(FAULT_DIRECTIONS, {
        error: 'expected direction to be c2s (client to server), s2c (server to client) or both',
      })
      .default('both'),
    /** 1 is the first connection the proxy accepted; default every connection. */
    connections: z
      .array(
        z
          .number()
          .int({ error: 'connections are numbered 1, 2, …' })
          .min(1, { error: 'connections are numbered from 1' }),
        { error: 'expected connections as a list of numbers, e.g. [1]' },
      )
      .min(1, { error: 'list at least one connection, or leave connections out for every connection' })
      .optional(),
    /** Each chunk waits this long (plus latencies of other faults and the proxy's delay_ms). */
    latency_ms: amount('latency_ms').optional(),
    /** Each chunk's latency varies uniformly within ± this, never reordering bytes; at most latency_ms. */
    jitter_ms: amount('jitter_ms').optional(),
    /** Bytes per second the direction may carry. */
    bytes_per_s: amount('bytes_per_s').optional(),
    /** Forward this many bytes, then close the connection (FIN to both ends). */
    close_after_bytes: amount('close_after_bytes').optional(),
    /** Close the connection this long after it opened. */
    close_after_ms: amount('close_after_ms').optional(),
    /** Forward this many bytes, then reset the connection (RST to both ends: ECONNRESET). */
    reset_after_bytes: amount('reset_after_bytes').optional(),
    reset_after_ms: amount('reset_after_ms').optional(),
    /** Forward this many bytes, then forward nothing more, keeping the connection open. */
    stall_after_bytes: amount('stall_after_bytes').optional(),
    stall_after_ms: amount('stall_after_ms').optional(),
  })
  .refine((f) => FAULT_AMOUNTS.some((key) => f[key] !== undefined), {
    error: `a fault needs at least one of: ${FAULT_AMOUNTS.join(', ')}`,
  });
export type FaultManifest = z.output<typeof fault>;

const ms = (what: string) =>
  z
    .number({ error: `expected ${what} as a number of milliseconds` })
    .nonnegative({ error: `${what} cannot be negative` });

const proxy = z
  .strictObject({
    /** Delay added to every chunk in both directions; 100 by default, 0 when faults or refuse are set. */
    delay_ms: ms('delay_ms').optional(),
    upstream_delay_ms: ms('upstream_delay_ms').optional(),
    downstream_delay_ms: ms('downstream_delay_ms').optional(),
    /** The service the proxy fronts: redis (or redis-cluster), or a service's name. */
    target: z.string({ error: 'expected target as a service name, e.g. redis or web' }).optional(),
    /** How the trace is decoded; default resp in front of redis, else the service's decoder or bytes. */
    decoder: z.enum(WIRE_DECODERS, { error: `expected decoder to be one of: ${WIRE_DECODERS.join(', ')}` }).optional(),
    faults: z.array(fault, { error: 'expected faults as a list of mappings' }).default([]),
    /** Refuse new connections (ECONNREFUSED) for a while; times from when the proxy starts, just before the snippet. */
    refuse: z
      .strictObject({
        after_ms: amount('refuse.after_ms').default(0),
        for_ms: amount('refuse.for_ms'),
      })
      .optional(),
  })
  .transform((p) => ({ ...p, delay_ms: p.delay_ms ?? (p.faults.length || p.refuse ? 0 : 100) }));
export type ProxyManifest = z.output<typeof proxy>;

/**
 * A language a site adds for its repros (`aftermath({ runtimes: { perl: {…} } })`): an
 * interpreter started with the entry file, run as it is (it installs no package versions).
 */
export const siteRuntime = z.strictObject(
  {
    /** How the page names it: `Perl`. */
    label: nonEmpty('a label, e.g. Perl'),
    /** The interpreter: a program on PATH or its path (REPRO_<NAME> overrides it on a machine). */
    command: nonEmpty('the interpreter, e.g. perl'),
    /** Arguments that make it print its version. */
    versionArgs: z.array(z.string(), { error: "expected versionArgs as a list, e.g. ['-e', 'print $^V']" }).min(1),
    /** How the entry file is run: `{entry}` is its path. */
    args: z
      .array(z.string(), { error: "expected args as a list, e.g. ['{entry}']" })
      .refine((args) => args.some((arg) => arg.includes('{entry}')), {
        error: "args must name the entry file as {entry}, e.g. ['-w', '{entry}']",
      })
      .default(['{entry}']),
    /** The language the snippet is highlighted as (a Shiki language name). */
    highlight: z.string().default('text'),
  },
  { error: "expected a runtime as { label: 'Perl', command: 'perl', versionArgs: ['-e', 'print $^V'] }" },
);
export type SiteRuntimeManifest = z.output<typeof siteRuntime>;

/** What a site adds to repro.yaml's vocabulary. */
export interface SiteReproExtensions {
  services?: Readonly<Record<string, SiteServiceManifest>>;
  runtimes?: Readonly<Record<string, SiteRuntimeManifest>>;
}

const schemas = new WeakMap<object, ReturnType<typeof reproSchemaWith>>();

/** repro.yaml's schema for a site: its services and runtimes by name are known (one schema per site, kept). */
export function reproSchemaFor(site: SiteReproExtensions = NO_EXTENSIONS) {
  let schema = schemas.get(site);
  if (!schema) schemas.set(site, (schema = reproSchemaWith(site.services ?? {}, site.runtimes ?? {})));
  return schema;
}
const NO_EXTENSIONS: SiteReproExtensions = {};

const reproSchemaWith = (
  siteServices: Readonly<Record<string, SiteServiceManifest>>,
  siteRuntimes: Readonly<Record<string, SiteRuntimeManifest>>,
) =>
  z
    .strictObject({
      title: nonEmpty('a title'),
      description: z.string().optional(),
      runtime: z.enum([...RUNTIME_NAMES, ...Object.keys(siteRuntimes)] as [string, ...string[]], {
        error: `expected runtime to be one of: ${[...RUNTIME_NAMES, ...Object.keys(siteRuntimes)].join(', ')}`,
      }),
      /**
       * The file to run, relative to the repro's folder and inside it: everything a repro needs is
       * in its folder, which is what decides whether a recording is stale.
       */
      entry: nonEmpty('the entry file').refine(
        (path) => !/^([\\/]|[a-zA-Z]:)/.test(path) && !path.split(/[\\/]/).includes('..'),
        {
          error:
            'the entry file must be inside the repro folder (a relative path without ".."); copy shared code into the folder',
        },
      ),
      package: z
        .strictObject({
          name: nonEmpty('the package under test'),
          /**
           * Versions to try ("installed" means whatever the interpreter already has; "latest" the
           * newest release the index lists when the runner starts), or a range: every release the
           * index lists in it is run (src/repro/version-range.ts).
           */
          versions: z.union(
            [
              z.array(z.string().min(1)).min(1, { error: 'list at least one version (or "installed")' }),
              z.strictObject({
                // Checked against the runtime's version scheme (crossChecks).
                range: nonEmpty('a version range'),
              }),
            ],
            {
              error: 'expected versions as a list, e.g. [4.5.4, 4.5.5], or a range, e.g. { range: ">=4.2.0,<=4.5.5" }',
            },
          ),
          /** An advisory id from history.yaml whose stated ranges the computed ones are shown beside. */
          advisory: nonEmpty('an advisory id').optional(),
        })
        // Everything downstream reads a list: a range's versions are those a listing found
        // (the recording's, or the planner's when it runs; see domain/version-matrix.ts).
        .transform(({ versions, ...rest }): { name: string; versions: string[]; range?: string; advisory?: string } =>
          Array.isArray(versions) ? { ...rest, versions } : { ...rest, versions: [], range: versions.range },
        )
        .optional(),
      /** Values to sweep: each name reaches the snippet as an environment variable. */
      parameters: z
        .record(
          z.string().regex(PARAMETER_NAME, { error: 'parameter names are environment variable names, e.g. SLEEP' }),
          z.array(z.union([z.string(), z.number()])).min(1),
        )
        .default({}),
      /** Built-in services by name, and servers declared by command, in one list. */
      services: z
        .array(serviceEntry(siteServices), { error: 'expected services as a list, e.g. [redis, latency-proxy]' })
        .default([]),
      /** The latency proxy's delays and faults (with latency-proxy in services). */
      proxy: proxy.optional(),
      /**
       * Runs per cell, each with fresh services: a race reports a rate ("reproduced 9/10") and the
       * cell is reproduced when at least one run reproduced.
       */
      repeat: z
        .number({ error: 'expected repeat as a whole number of runs per cell' })
        .int({ error: 'repeat must be a whole number' })
        .min(1, { error: 'repeat must be at least 1' })
        .max(100, { error: 'repeat must be at most 100 runs per cell' })
        .default(1),
      timeout_s: z
        .number({ error: 'expected timeout_s as a number of seconds' })
        .positive({ error: 'timeout_s must be more than 0 seconds' })
        .max(3600, { error: 'timeout_s must be at most 3600 seconds (one hour)' })
        .default(60),
      ...measurementFields,
      expect: z.strictObject({
        /** A pattern in stdout meaning "the bug showed itself" (with a budget: optional). */
        reproduced: pattern.optional(),
        /** A pattern in stdout meaning "behaved correctly" (with a budget: optional). */
        not_reproduced: pattern.optional(),
        /** The verdict a correct claim predicts per version; a mismatch fails `npx aftermath repro`. */
        by_version: z.record(z.string(), z.enum(['reproduced', 'not-reproduced'])).default({}),
        /** The verdict predicted per parameter value, e.g. { STRATEGY: { naive: reproduced } }. */
        by_parameter: z.record(z.string(), z.record(z.string(), z.enum(['reproduced', 'not-reproduced']))).default({}),
      }),
    })
    .superRefine((manifest, ctx) => {
      for (const problem of [...crossChecks(manifest, siteRuntimes), ...measurementChecks(manifest)])
        ctx.addIssue({ code: 'custom', ...problem });
    })
    // A budget decides the verdict; its measure line is what a transcript points at.
    .transform(({ expect, ...manifest }) => ({
      ...manifest,
      expect: { ...budgetPatterns(manifest.budget), ...definedOnly(expect) } as typeof expect & {
        reproduced: string;
        not_reproduced: string;
      },
    }))
    // A site's runtime travels with the manifest, as a site's service does: the runner and the
    // page need nothing else to run and show it.
    .transform((manifest): typeof manifest & { siteRuntime?: SiteRuntimeManifest } =>
      Object.hasOwn(siteRuntimes, manifest.runtime)
        ? { ...manifest, siteRuntime: siteRuntimes[manifest.runtime] }
        : manifest,
    );

function definedOnly<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as T;
}

/** repro.yaml's schema where the site adds no services or runtimes of its own. */
export const reproSchema = reproSchemaFor();
export type ReproManifest = z.output<typeof reproSchema>;

/** Variables the runner itself sets for the snippet; a service's env may not take them. */
const RUNNER_VARIABLES = /^(REDIS_(HOST|PORT|DIRECT_PORT|CLUSTER)|REPRO_.*)$/;

/** The services of a manifest that are declared by command. */
function commandServices(manifest: Pick<ReproManifest, 'services'>): CommandServiceManifest[] {
  return manifest.services.filter((s): s is CommandServiceManifest => typeof s !== 'string');
}

/**
 * The service the proxy fronts: `proxy.target` when given; else redis (or redis-cluster) when
 * listed; else the one service declared by command; else redis (listing only the proxy implies
 * redis). Undefined when that is ambiguous (several services by command, no target).
 */
export function proxyTarget(manifest: Pick<ReproManifest, 'services' | 'proxy'>): string | undefined {
  if (manifest.proxy?.target) return manifest.proxy.target;
  if (manifest.services.includes('redis-cluster')) return 'redis-cluster';
  if (manifest.services.includes('redis')) return 'redis';
  const byCommand = commandServices(manifest);
  if (byCommand.length === 0) return 'redis';
  return byCommand.length === 1 ? byCommand[0]!.name : undefined;
}

interface CrossProblem {
  path: PropertyKey[];
  message: string;
  /** What the author wrote there, for the problem's "found …". */
  input: unknown;
}

/** Checks that span fields: placeholders and fault amounts against parameters, names, the proxy. */
function crossChecks(
  manifest: Omit<ReproManifest, 'siteRuntime' | 'expect'>,
  siteRuntimes: Readonly<Record<string, SiteRuntimeManifest>>,
): CrossProblem[] {
  const problems: CrossProblem[] = [];
  if (Object.hasOwn(siteRuntimes, manifest.runtime) && manifest.package) {
    // A site's runtime installs nothing: the one version it has is the interpreter's own.
    const { range, versions } = manifest.package;
    const pinned = range === undefined ? versions.findIndex((v) => v !== 'installed') : -1;
    if (range !== undefined || pinned >= 0)
      problems.push({
        path: range !== undefined ? ['package', 'versions', 'range'] : ['package', 'versions', pinned],
        message: `the site's runtime "${manifest.runtime}" runs its interpreter as it is and installs no package versions: list versions: [installed], or leave package out`,
        input: range ?? versions[pinned],
      });
  }

  // Ranges are written in the runtime's own scheme: PEP 440 for Python, npm's semver for Node.
  const scheme = versionSchemeOf(manifest.runtime);
  const range = manifest.package?.range;
  if (range !== undefined && !scheme.validRange(range))
    problems.push({
      path: ['package', 'versions', 'range'],
      message: `expected a ${scheme.name} version range for a ${manifest.runtime} repro, e.g. "${scheme.rangeExample}"`,
      input: range,
    });
  const names = commandServiceChecks(manifest, problems);
  proxyChecks(manifest, names, problems);
  return problems;
}

/** How a problem names the parameters there are. */
const knownParameters = (parameters: Record<string, unknown>) =>
  Object.keys(parameters).length
    ? `the parameters are ${Object.keys(parameters).join(', ')}`
    : 'this repro has no parameters';

/** Services declared by command: unique names, known placeholders, variables nobody else sets. Returns their names. */
function commandServiceChecks(
  manifest: Omit<ReproManifest, 'siteRuntime' | 'expect'>,
  problems: CrossProblem[],
): Set<string> {
  const { parameters } = manifest;
  const names = new Set<string>();
  const envOwners = new Map<string, string>();
  const checkText = (value: string, path: PropertyKey[]) => {
    for (const [, inner] of value.matchAll(PLACEHOLDER)) {
      const name = inner!;
      if (name === 'host' || name === 'dir' || name === 'port' || name.startsWith('port:')) continue;
      if (!PARAMETER_NAME.test(name))
        problems.push({ path, message: `unknown placeholder {${name}}: ${SERVICE_PLACEHOLDERS}`, input: value });
      else if (!(name in parameters))
        problems.push({
          path,
          message: `{${name}} names no parameter (${knownParameters(parameters)}): declare it under parameters, or fix the name`,
          input: value,
        });
    }
  };
  manifest.services.forEach((entry, i) => {
    if (typeof entry === 'string') return;
    if (names.has(entry.name))
      problems.push({
        path: ['services', i, 'name'],
        message: `another service is already named "${entry.name}": give each service its own name`,
        input: entry.name,
      });
    names.add(entry.name);
    entry.args.forEach((arg, j) => checkText(arg, ['services', i, 'args', j]));
    entry.ready.probe?.forEach((arg, j) => checkText(arg, ['services', i, 'ready', 'probe', j]));
    for (const [key, value] of Object.entries(entry.server_env)) checkText(value, ['services', i, 'server_env', key]);
    for (const [key, value] of Object.entries(entry.env)) {
      checkText(value, ['services', i, 'env', key]);
      const path = ['services', i, 'env', key];
      if (RUNNER_VARIABLES.test(key))
        problems.push({
          path,
          message: `${key} is set by the runner itself: choose another name, e.g. ${entry.name.toUpperCase().replace(/-/g, '_')}_URL`,
          input: key,
        });
      else if (key in parameters)
        problems.push({
          path,
          message: `${key} is also a parameter: the snippet would see only one of them; rename one`,
          input: key,
        });
      else if (envOwners.has(key))
        problems.push({
          path,
          message: `${key} is also set by the service "${envOwners.get(key)}": rename one of them`,
          input: key,
        });
      else envOwners.set(key, entry.name);
    }
  });
  return names;
}

/** The proxy: only with latency-proxy, in front of a service that is there, its amounts numbers or parameters. */
function proxyChecks(
  manifest: Omit<ReproManifest, 'siteRuntime' | 'expect'>,
  names: ReadonlySet<string>,
  problems: CrossProblem[],
): void {
  const { parameters, proxy } = manifest;
  if (!proxy) return;
  if (!manifest.services.includes('latency-proxy')) {
    const listed =
      manifest.services.map((entry) => (typeof entry === 'string' ? entry : entry.name)).join(', ') || 'none';
    problems.push({
      path: ['proxy'],
      message: `proxy settings take effect only with latency-proxy in services (found services: ${listed}): add latency-proxy to services, or remove proxy`,
      input: proxy,
    });
    return;
  }
  const target = proxyTarget(manifest);
  const targets = [...(manifest.services.includes('redis-cluster') ? ['redis-cluster'] : ['redis']), ...names];
  if (target === undefined)
    problems.push({
      path: ['proxy', 'target'],
      message: `several services could sit behind the proxy: say which with proxy.target (one of ${targets.join(', ')})`,
      input: undefined,
    });
  else if (!targets.includes(target))
    problems.push({
      path: ['proxy', 'target'],
      message: `the proxy can front ${targets.join(', ')}: "${target}" is not one of them`,
      input: target,
    });
  const checkAmount = (value: unknown, path: PropertyKey[]) => {
    if (typeof value !== 'string') return;
    const name = value.slice(1, -1);
    const values = parameters[name];
    if (!values) {
      problems.push({
        path,
        message: `${value} names no parameter (${knownParameters(parameters)}): declare it under parameters, or write a number`,
        input: value,
      });
      return;
    }
    const bad = values.find((v) => !(Number(v) >= 0) || String(v).trim() === '');
    if (bad !== undefined)
      problems.push({
        path,
        message: `the parameter ${name} sweeps this fault, so each of its values must be a number ≥ 0; found "${bad}"`,
        input: value,
      });
  };
  proxy.faults.forEach((f, i) => {
    for (const key of FAULT_AMOUNTS) checkAmount(f[key], ['proxy', 'faults', i, key]);
    if (typeof f.jitter_ms === 'number' && f.jitter_ms > (typeof f.latency_ms === 'number' ? f.latency_ms : 0))
      problems.push({
        path: ['proxy', 'faults', i, 'jitter_ms'],
        message:
          'jitter_ms must be at most latency_ms: a chunk varies within latency ± jitter and cannot leave before it arrived',
        input: f.jitter_ms,
      });
  });
  if (proxy.refuse) {
    checkAmount(proxy.refuse.after_ms, ['proxy', 'refuse', 'after_ms']);
    checkAmount(proxy.refuse.for_ms, ['proxy', 'refuse', 'for_ms']);
  }
}
