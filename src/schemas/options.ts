/**
 * The options of the Aftermath integration, `aftermath({ … })` in a site's astro.config.mjs,
 * validated like content: a misspelt or mistyped option stops the site with what was expected.
 */
import { z } from 'astro/zod';
import { en } from '../i18n/locales/en.ts';
import { BUILT_IN_LOCALES } from '../i18n/registry.ts';
import { formatPath } from './problems.ts';
import { SERVICES, siteRuntime, siteService } from './repro.ts';
import { RUNTIME_NAMES } from '../domain/runtimes.ts';

/** A path inside the site's project, as written in astro.config.mjs. */
const projectPath = (option: string, example: string) =>
  z
    .string({ error: `expected ${option} as a path relative to the project's root, e.g. '${example}'` })
    .trim()
    .min(1, `expected ${option} as a path relative to the project's root, e.g. '${example}'`)
    .refine((path) => !path.startsWith('/') && !path.split(/[\\/]/).includes('..'), {
      error: `${option} must be a path inside the project, relative to its root (e.g. '${example}'), without a leading / or ..`,
    })
    .transform((path) => path.replace(/^\.\//, '').replace(/\/+$/, ''));

/** How services and runtimes are named: as a command line or a repro.yaml would write them. */
const lowerCaseName = (example: string) => ({
  name: /^[a-z][a-z0-9-]*$/,
  rule: `is lower case letters, digits and "-", e.g. ${example}`,
});

/** How a site names the things it adds, and the names Aftermath's own already have. */
const SITE_NAMES: Record<
  'component' | 'service' | 'runtime',
  { name: RegExp; rule: string; taken: readonly string[] }
> = {
  component: { name: /^[A-Z][A-Za-z0-9]*$/, rule: 'starts with a capital letter, e.g. Alert', taken: [] },
  service: { ...lowerCaseName('postgres'), taken: SERVICES },
  runtime: { ...lowerCaseName('perl'), taken: RUNTIME_NAMES },
};

/**
 * A record of things a site names (components, services, runtimes): a bad name, or one of
 * Aftermath's own, is said at that name (a key schema's message would be lost to the record's).
 */
function namedRecord<V extends z.ZodType>(value: V, kind: keyof typeof SITE_NAMES, example: string) {
  const names = SITE_NAMES[kind];
  return z.record(z.string(), value, { error: `expected ${example}` }).superRefine((record, ctx) => {
    for (const key of Object.keys(record)) {
      if (!names.name.test(key))
        ctx.addIssue({ code: 'custom', path: [key], message: `a ${kind}'s name ${names.rule}; found "${key}"` });
      else if (names.taken.includes(key))
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `"${key}" is one of Aftermath's own (${names.taken.join(', ')}): choose another name`,
        });
    }
  });
}

const linkSchema = z.strictObject(
  {
    label: z.string({ error: 'expected a label, the text of the link' }).trim().min(1, 'expected a label'),
    href: z
      .string({ error: "expected href, e.g. 'https://status.example.com' or '/docs/'" })
      .refine((href) => /^(https?:\/\/|\/)/.test(href), {
        error: "expected href to start with https://, http:// or / (e.g. '/docs/')",
      }),
  },
  { error: "expected a link as { label: 'Status page', href: 'https://status.example.com' }" },
);

const mdxComponentSchema = z.strictObject(
  {
    component: projectPath('component', 'src/components/Alert.astro'),
    attributes: z
      .record(
        z.string().regex(/^[a-z][A-Za-z0-9-]*$/, { error: 'an attribute is written in lower case, e.g. kind' }),
        z.string({ error: 'expected what the attribute names, e.g. "info, warning or danger"' }),
      )
      .default({}),
    markdown: z.string({ error: 'expected markdown as text, e.g. "> **{kind}**: {text}"' }).optional(),
  },
  { error: "expected a component as { component: 'src/components/Alert.astro', attributes: { kind: '…' } }" },
);

/** The components a site may replace with its own (see docs/configuration.md). */
const builtInLocale = z.string().refine((code) => code in BUILT_IN_LOCALES, {
  error: (issue) =>
    `Aftermath has no catalogue for "${String(issue.input)}" (it has ${Object.keys(BUILT_IN_LOCALES).join(', ')}). Give your own: { code: '${String(issue.input)}', label: '…', strings: { … } }`,
});
const siteLocale = z.strictObject(
  {
    code: z.string().regex(/^[a-z]{2,3}(-[a-z0-9]{2,8})*$/, {
      error: "expected code as a lower-case language tag, e.g. 'fr' or 'pt-br' (it names the URLs and the files)",
    }),
    label: z.string({ error: "expected label, the language's own name, e.g. 'Français'" }).trim().min(1),
    lang: z.string().optional(),
    strings: z.record(z.string(), z.string()).superRefine((strings, ctx) => {
      for (const key of Object.keys(strings))
        if (!(key in en))
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: `"${key}" is not a key of Aftermath's catalogue (src/i18n/locales/en.ts)`,
          });
    }),
  },
  { error: "expected a locale as a code ('zh-cn') or as { code, label, lang, strings }" },
);

export const OVERRIDABLE_COMPONENTS = ['Header', 'Footer'] as const;

export const optionsSchema = z.strictObject(
  {
    /** The site's name: the header, every page's title and the feeds. */
    title: z.string({ error: "expected title as text, e.g. 'Acme postmortems'" }).trim().min(1).default('Postmortems'),
    /** One sentence under the title on the front page, and the feeds' description. */
    description: z
      .string({ error: 'expected description as one sentence of text' })
      .trim()
      .min(1)
      .default('What went wrong, how it was fixed, and the repros that prove it.'),
    /** An image shown before the title in the header (and used as the favicon when it is an SVG). */
    logo: z
      .strictObject(
        {
          src: projectPath('logo.src', 'src/assets/logo.svg'),
          alt: z.string({ error: 'expected logo.alt, the text a screen reader says' }).default(''),
        },
        { error: "expected logo as { src: 'src/assets/logo.svg', alt: 'Acme' }" },
      )
      .optional(),
    /** Links added to the header after Incidents and Tags (a status page, the team's docs). */
    nav: z.array(linkSchema, { error: 'expected nav as a list of { label, href } links' }).max(8).default([]),
    /**
     * The path the postmortems are mounted under inside the Astro site, e.g. '/postmortems/'
     * beside a team's existing pages. Astro's own `base` (a GitHub project page) comes before it.
     */
    base: z
      .string({ error: "expected base as a path, e.g. '/postmortems/'" })
      .regex(/^\/([a-z0-9][a-z0-9._-]*\/)*$/i, {
        error: "expected base as a path that starts and ends with /, e.g. '/postmortems/' (or '/' for the whole site)",
      })
      .default('/'),
    /** The incidents folder, relative to the project's root. */
    incidents: projectPath('incidents', 'content/incidents').default('content/incidents'),
    /** A PDF of each incident page (Chromium prints it at build time). */
    pdf: z.boolean({ error: 'expected pdf to be true or false' }).default(true),
    /** A social card (the image a link preview shows) for each incident, drawn at build time. */
    socialCards: z.boolean({ error: 'expected socialCards to be true or false' }).default(true),
    /** The site's own components in place of Aftermath's, by name: { Header: './src/Header.astro' }. */
    components: z
      .strictObject(
        Object.fromEntries(
          OVERRIDABLE_COMPONENTS.map((name) => [
            name,
            projectPath(`components.${name}`, `src/${name}.astro`).optional(),
          ]),
        ) as Record<(typeof OVERRIDABLE_COMPONENTS)[number], z.ZodOptional<ReturnType<typeof projectPath>>>,
        {
          error: `expected components as { Header: 'src/MyHeader.astro' } (any of ${OVERRIDABLE_COMPONENTS.join(', ')})`,
        },
      )
      .default({}),
    /** Components for the incidents' MDX, by name: { Alert: { component: 'src/components/Alert.astro' } }. */
    mdxComponents: namedRecord(
      mdxComponentSchema,
      'component',
      "{ Alert: { component: 'src/components/Alert.astro' } }",
    ).default({}),
    /**
     * Services the site's repros list by name, each declared once like a service by command in
     * repro.yaml: { postgres: { command: 'postgres', args: [...], ready: { probe: [...] } } }.
     */
    services: namedRecord(siteService, 'service', "{ postgres: { command: 'postgres', args: [...] } }").default({}),
    /**
     * Languages the site's repros may be written in besides Python and Node, each an interpreter
     * run with the entry file: { perl: { label: 'Perl', command: 'perl', versionArgs: ['-e', 'print $^V'] } }.
     */
    runtimes: namedRecord(
      siteRuntime,
      'runtime',
      "{ perl: { label: 'Perl', command: 'perl', versionArgs: ['-e', 'print $^V'] } }",
    ).default({}),
    /**
     * Lets incident MDX run code at build time: `import`, `export`, `{…}` expressions and
     * attributes written as expressions. Off by default: content is data, and a pull request
     * that adds an incident must not be able to read the build machine's files or secrets.
     */
    allowMdxCode: z.boolean({ error: 'expected allowMdxCode to be true or false' }).default(false),
    /**
     * The site's languages, the one its incidents are written in first: ['en', 'zh-cn']. Each
     * other locale gets its own pages (/zh-cn/…) with Aftermath's words in that language and an
     * incident's translation where it has one. A locale Aftermath has no catalogue for is given
     * as { code, label, lang, strings } (src/i18n/locales/en.ts lists the keys).
     */
    locales: z
      .array(z.union([builtInLocale, siteLocale]), { error: "expected locales as a list, e.g. ['en', 'zh-cn']" })
      .min(1, { error: "expected at least one locale, e.g. ['en']" })
      .default(['en'])
      .transform((list) =>
        list.map((l) => (typeof l === 'string' ? BUILT_IN_LOCALES[l]! : { ...l, lang: l.lang ?? l.code })),
      )
      .superRefine((list, ctx) => {
        const codes = list.map((l) => l.code);
        const twice = codes.find((code, i) => codes.indexOf(code) !== i);
        if (twice) ctx.addIssue({ code: 'custom', message: `"${twice}" is listed twice` });
      }),
  },
  { error: "expected the options as an object, e.g. aftermath({ title: 'Acme postmortems' })" },
);

export type AftermathUserOptions = z.input<typeof optionsSchema>;
export type AftermathOptions = z.output<typeof optionsSchema>;

/** A mistake in the options: the message says which option, what was expected, and what to do. */
export class OptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OptionsError';
    this.stack = message;
  }
}

/** The options with their defaults; a mistake throws an OptionsError that says which option and why. */
export function resolveOptions(input: unknown = {}): AftermathOptions {
  const parsed = optionsSchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const path = formatPath(issue.path as PropertyKey[]);
    const message =
      issue.code === 'unrecognized_keys'
        ? `unknown option${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}: check the spelling (the options${path ? ` of ${path}` : ''} are: ${knownKeys(issue.path as PropertyKey[]).join(', ')})`
        : issue.message;
    return `  ${path ? `${path}: ` : ''}${message}`;
  });
  throw new OptionsError(`aftermath(): invalid options in astro.config\n${lines.join('\n')}`);
}

function knownKeys(path: PropertyKey[]): string[] {
  if (path[0] === 'components') return [...OVERRIDABLE_COMPONENTS];
  if (path[0] === 'logo') return ['src', 'alt'];
  if (path[0] === 'nav') return ['label', 'href'];
  return Object.keys(optionsSchema.shape);
}
