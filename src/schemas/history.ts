/** `content/incidents/<slug>/history.yaml`: the fix as the code host and advisories record it. */
import { z } from 'astro/zod';
import { confidence, longText, nonEmpty, oneLine, timestampOrDay, url } from './fields.ts';

export const RELATION_TYPES = [
  'fixes',
  'reopens',
  'reverts',
  'supersedes',
  'backport-of',
  'released-in',
  'caused-by',
] as const;

const repository = z
  .string({ error: 'expected a repository as owner/name, e.g. redis/redis-py' })
  .regex(/^[\w.-]+\/[\w.-]+$/, { error: 'expected a repository as owner/name, e.g. redis/redis-py' });

const relation = z.strictObject({
  type: z.enum(RELATION_TYPES, { error: `expected a relation type: ${RELATION_TYPES.join(', ')}` }),
  /** The key of another item: "#2641", "v4.5.5", "CVE-2023-28858", "owner/name#12". */
  to: nonEmpty('the key of the related item'),
  note: z.string().optional(),
});

const common = {
  repo: repository.optional(),
  title: oneLine('a title', 300),
  author: z.string().optional(),
  url: url.optional(),
  state: z.string().optional(),
  labels: z.array(z.string()).default([]),
  relations: z.array(relation).default([]),
  confidence: confidence.default('verified'),
  note: longText('a note', 2000).optional(),
  source: z.string().optional(),
  /** A fix attempt that did not hold (shown differently in the fix graph). */
  outcome: z
    .enum(['landed', 'incomplete', 'superseded', 'abandoned'], {
      error: 'expected outcome to be one of: landed, incomplete, superseded, abandoned',
    })
    .optional(),
};

const number = z.number({ error: 'expected the issue or pull-request number, e.g. 2641' }).int().positive();

export const historyItemSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({
      type: z.literal('issue'),
      number,
      opened: timestampOrDay.optional(),
      closed: timestampOrDay.optional(),
      ...common,
    }),
    z.strictObject({
      type: z.literal('pull'),
      number,
      opened: timestampOrDay.optional(),
      merged: timestampOrDay.optional(),
      closed: timestampOrDay.optional(),
      target_branch: z.string().optional(),
      merge_commit: z.string().optional(),
      ...common,
    }),
    z.strictObject({
      type: z.literal('commit'),
      sha: z.string().regex(/^[0-9a-f]{7,40}$/, { error: 'expected a commit SHA of 7 to 40 hex digits' }),
      committed: timestampOrDay.optional(),
      ...common,
    }),
    z.strictObject({
      type: z.literal('release'),
      tag: nonEmpty('a tag such as v4.5.5'),
      published: timestampOrDay.optional(),
      ...common,
    }),
    z.strictObject({
      type: z.literal('advisory'),
      id: z.string().regex(/^(CVE-\d{4}-\d{4,}|GHSA(-[23456789cfghjmpqrvwx]{4}){3}|PYSEC-\d{4}-\d+)$/, {
        error: 'expected an advisory id such as CVE-2023-28858, GHSA-24wv-mv5m-xv4h or PYSEC-2023-45',
      }),
      aliases: z.array(z.string()).default([]),
      published: timestampOrDay.optional(),
      severity: z.string().optional(),
      cvss: z.string().optional(),
      affected: z.array(z.string()).default([]),
      fixed_in: z.array(z.string()).default([]),
      ...common,
    }),
  ],
  { error: 'expected type to be one of: issue, pull, commit, release, advisory' },
);

export const historySchema = z.strictObject(
  {
    /** The repository that "#123" and bare tags refer to. */
    repository: repository.optional(),
    items: z.array(historyItemSchema, { error: 'expected items to be a list' }).default([]),
  },
  { error: 'expected history.yaml to be a mapping with "repository" and "items"' },
);

export type HistoryItem = z.output<typeof historyItemSchema>;
export type History = z.output<typeof historySchema>;
