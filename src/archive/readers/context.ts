/**
 * What every reader of one incident file shares: the confined folder it reads from, the list
 * problems go into, and the site's options. A reader returns what it read, or undefined when
 * the file is broken (its problems say why); it never throws on content.
 */
import type { SiteRuntimeManifest, SiteServiceManifest } from '../../schemas/repro.ts';
import type { z } from 'astro/zod';
import type { IncidentFolder } from '../incident-folder.ts';
import type { MdxComponent } from '../mdx/component.ts';
import type { SiteMdxComponent } from '../mdx/registry.ts';
import { parseYaml, problemsFromZod, type ContentProblem, type LocatedYaml } from '../../schemas/problems.ts';

export interface ArchiveOptions {
  /** The incidents folder, relative to the site's root (`aftermath({ incidents })`). */
  incidents?: string;
  /** The site lets MDX run code (`aftermath({ allowMdxCode: true })`). */
  allowMdxCode?: boolean;
  /** MDX components the site adds (`aftermath({ mdxComponents })`). */
  mdxComponents?: Readonly<Record<string, SiteMdxComponent>>;
  /** Services the site's repros list by name (`aftermath({ services })`). */
  services?: Readonly<Record<string, SiteServiceManifest>>;
  /**
   * Read to run repros (`aftermath repro`, live runs, the repro benchmark): a <Verdict> citing a
   * cell not recorded yet is no problem, since the run is what records it.
   */
  recording?: boolean;
  /** Languages the site adds for its repros (`aftermath({ runtimes })`). */
  runtimes?: Readonly<Record<string, SiteRuntimeManifest>>;
  /**
   * The site's locales (`aftermath({ locales })`): the first is the source's, the others
   * translations. Left out, every translation found is read, its source taken to be English.
   */
  locales?: readonly (string | { code: string })[];
}

/** The codes of the site's locales, the source's first. */
export const localeCodes = (options: ArchiveOptions): string[] =>
  (options.locales ?? ['en']).map((l) => (typeof l === 'string' ? l : l.code));

export interface ReadContext {
  root: string;
  folder: IncidentFolder;
  problems: ContentProblem[];
  options: ArchiveOptions;
  /** Every MDX component the story may use: Aftermath's and the site's (../mdx/registry.ts). */
  components: readonly MdxComponent[];
}

/** The text of a file the incident may have; undefined (with a problem when broken) otherwise. */
export function readText(ctx: ReadContext, file: string): string | undefined {
  if (ctx.folder.isFolder(file)) {
    ctx.problems.push({
      file,
      message: `this is a folder, where a file of this name is expected. Remove or rename the folder`,
    });
    return undefined;
  }
  return ctx.folder.text(file, ctx.problems);
}

/** A YAML file of the incident, parsed with positions; undefined when absent or broken. */
export function readYaml(ctx: ReadContext, file: string): LocatedYaml | undefined {
  const text = readText(ctx, file);
  if (text === undefined) return undefined;
  const parsed = parseYaml(text, file);
  if (Array.isArray(parsed)) {
    ctx.problems.push(...parsed);
    return undefined;
  }
  return parsed;
}

interface Schema<T> {
  safeParse(
    data: unknown,
    params?: { reportInput?: boolean },
  ): { success: true; data: T } | { success: false; error: z.ZodError };
}

/** `yaml`'s data through `schema`; undefined, with located problems, when it does not fit. */
export function validate<T>(
  schema: Schema<T>,
  yaml: LocatedYaml,
  file: string,
  problems: ContentProblem[],
): T | undefined {
  const result = schema.safeParse(yaml.data ?? undefined, { reportInput: true });
  if (result.success) return result.data;
  problems.push(...problemsFromZod(result.error, file, yaml));
  return undefined;
}

/** A YAML file read and validated: `{ doc, data }`, or undefined when absent or broken. */
export function readYamlAs<T>(
  ctx: ReadContext,
  file: string,
  schema: Schema<T>,
): { doc: LocatedYaml; data?: T } | undefined {
  const doc = readYaml(ctx, file);
  return doc && { doc, data: validate(schema, doc, file, ctx.problems) };
}
