/**
 * `content/pii-allowlist.yaml`: findings of the PII lint that are deliberate and public (a
 * vendor's published support address, a test card number a postmortem quotes on purpose), each
 * with the reason it may be published. See docs/content.md, "PII lint".
 */
import { z } from 'astro/zod';
import { allowPattern, PII_KINDS } from '../domain/pii.ts';

const REASON =
  'every allowlist entry needs a reason: say why this text is public and may be published (e.g. "the vendor\'s published support address")';

export const piiAllowEntrySchema = z.strictObject({
  /** A path or glob relative to the project root; a folder covers every file in it. */
  file: z
    .string({
      error:
        'expected file as a path or glob relative to the project root, e.g. content/incidents/2024-06-02-x/index.mdx',
    })
    .trim()
    .min(1, { error: 'file must not be empty: give a path or glob relative to the project root' })
    .refine((file) => !file.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(file) && !file.split(/[\\/]/).includes('..'), {
      error:
        'file must be relative to the project root (e.g. content/incidents/…/index.mdx), without a leading / or ..',
    }),
  /** The exact text of the finding, or a /regular expression/ that must match all of it. */
  match: z
    .string({ error: 'expected match as the exact text found, or a regular expression written as /…/' })
    .min(1, { error: 'match must not be empty: give the exact text found, or a regular expression written as /…/' })
    .refine(
      (match) => {
        try {
          allowPattern(match);
          return true;
        } catch {
          return false;
        }
      },
      {
        error:
          'match looks like a regular expression (/…/) but is not a valid one; check the escaping, or write the exact text instead',
      },
    ),
  kind: z
    .enum(PII_KINDS, {
      error: `expected kind to be one of: ${PII_KINDS.join(', ')} (or leave it out to allow any kind)`,
    })
    .optional(),
  reason: z.string({ error: REASON }).trim().min(1, { error: REASON }),
});

export const piiAllowlistSchema = z.array(piiAllowEntrySchema, {
  error:
    'expected pii-allowlist.yaml to be a list of entries, each starting with "- file:" and giving match and reason',
});

export type PiiAllowEntryInput = z.output<typeof piiAllowEntrySchema>;
