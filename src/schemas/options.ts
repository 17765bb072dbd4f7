/**
 * The options of the Aftermath integration, `aftermath({ … })` in a site's astro.config.mjs,
 * validated like content: a misspelt or mistyped option stops the site with what was expected.
 */
import { z } from 'astro/zod';
import { formatPath } from './problems.ts';

export const optionsSchema = z.strictObject(
  {
    /**
     * Lets incident MDX run code at build time: `import`, `export`, `{…}` expressions and
     * attributes written as expressions. Off by default: content is data, and a pull request
     * that adds an incident must not be able to read the build machine's files or secrets.
     */
    allowMdxCode: z.boolean({ error: 'expected allowMdxCode to be true or false' }).default(false),
  },
  { error: 'expected the options as an object, e.g. aftermath({ allowMdxCode: false })' },
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
        ? `unknown option${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}: check the spelling (the options are: ${Object.keys(optionsSchema.shape).join(', ')})`
        : issue.message;
    return `  ${path ? `${path}: ` : ''}${message}`;
  });
  throw new OptionsError(`aftermath(): invalid options in astro.config\n${lines.join('\n')}`);
}
