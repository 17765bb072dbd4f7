/**
 * `content/incidents/<slug>/actions.yaml`: the incident's follow-ups (action items), each with an
 * owner, a status and the evidence that it was done: history items, recorded repro verdicts, or a
 * sourced statement. References are checked against history.yaml and the recordings by the
 * archive (src/domain/follow-ups.ts); this file checks the shape.
 */
import { z } from 'astro/zod';
import { isInstant, parseDay, type Instant } from '../domain/time.ts';
import { longText, nonEmpty, oneLine, slugWord, url } from './fields.ts';

export const FOLLOW_UP_KINDS = ['prevent', 'detect', 'mitigate', 'process', 'investigate'] as const;
export const FOLLOW_UP_STATUSES = ['open', 'in progress', 'done', "won't do"] as const;

export type FollowUpKind = (typeof FOLLOW_UP_KINDS)[number];
export type FollowUpStatus = (typeof FOLLOW_UP_STATUSES)[number];

/** A calendar date (`2023-05-08`): when a follow-up is due, or since when its status holds. */
const day = z
  .string({ error: 'expected a date such as 2023-05-08 (quote it in YAML)' })
  .transform((text, ctx): Instant => {
    const parsed = parseDay(text.trim());
    if (isInstant(parsed)) return parsed;
    ctx.addIssue({
      code: 'custom',
      message: `"${text}" is not a real date; write it as YYYY-MM-DD, e.g. 2023-05-08`,
      input: text,
    });
    return z.NEVER;
  });

/** YAML reads `4.5` and `0.00001` as numbers; a version or a parameter value is text. */
const text = (what: string) =>
  z
    .union([z.string(), z.number()], { error: `expected ${what} as text` })
    .transform(String)
    .pipe(
      z
        .string()
        .trim()
        .min(1, { error: `${what} must not be empty` }),
    );

const EVIDENCE_HELP =
  'expected evidence as a history key in quotes ("#2695" for a merged pull request, v4.5.5 for a release), a recorded verdict { repro: cancel-race-proxy, version: 4.5.5, verdict: not-reproduced }, or a statement { stated: "in the postmortem", source: https://… }';

const historyEvidence = z.strictObject({
  kind: z.literal('history'),
  /** A key of history.yaml: `#2695`, `v4.5.5`, `owner/name#12`, a commit's short SHA. */
  key: nonEmpty('a history key such as "#2695" or v4.5.5'),
});

const verdictEvidence = z.strictObject({
  kind: z.literal('verdict'),
  repro: slugWord,
  version: text('the version of the recorded cell, e.g. 4.5.5'),
  verdict: z.enum(['reproduced', 'not-reproduced'], {
    error: 'expected verdict to be reproduced or not-reproduced: the one the follow-up relies on',
  }),
  /** The cell's parameters when the repro sweeps some, e.g. { SLEEP: "0.00001" }. */
  params: z
    .record(
      z.string().regex(/^[A-Z][A-Z0-9_]*$/, { error: 'parameter names are environment variable names, e.g. SLEEP' }),
      text('a parameter value'),
    )
    .default({}),
});

const statedEvidence = z.strictObject({
  kind: z.literal('stated'),
  /** Where or how it is stated, e.g. "in the postmortem". */
  stated: nonEmpty('where it is stated, e.g. "in the postmortem"'),
  source: url,
});

/**
 * A plain string is a history key; a mapping is a verdict (it has `repro`) or a statement (it has
 * `stated`). The `kind` added here lets Zod report the problems of the form the author meant.
 */
const evidence = z.preprocess(
  (value) => {
    if (typeof value === 'string') return { kind: 'history', key: value };
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      if ('repro' in value) return { kind: 'verdict', ...value };
      if ('stated' in value) return { kind: 'stated', ...value };
    }
    return value;
  },
  z.discriminatedUnion('kind', [historyEvidence, verdictEvidence, statedEvidence], { error: EVIDENCE_HELP }),
);

const link = z.preprocess(
  (value) => (typeof value === 'string' ? { url: value } : value),
  z.strictObject({ url, title: z.string().optional() }, { error: 'expected a link as a URL or { url, title }' }),
);

export const followUpSchema = z
  .strictObject({
    id: slugWord,
    title: oneLine('a title', 200),
    kind: z.enum(FOLLOW_UP_KINDS, { error: `expected kind to be one of: ${FOLLOW_UP_KINDS.join(', ')}` }),
    owner: oneLine('an owner (a team, a person or an organisation)', 100),
    status: z.enum(FOLLOW_UP_STATUSES, { error: `expected status to be one of: ${FOLLOW_UP_STATUSES.join(', ')}` }),
    /** Why a follow-up will not be done (required with won't do); a note on the others. */
    reason: z.string().trim().min(1).optional(),
    due: day.optional(),
    /** Since when the status holds (the day it was done, or stated): the status feed's date. */
    since: day.optional(),
    links: z.array(link, { error: 'expected links to be a list of URLs' }).default([]),
    evidence: z.array(evidence, { error: 'expected evidence to be a list' }).default([]),
    note: longText('a note', 2000).optional(),
  })
  .superRefine((f, ctx) => {
    if (f.status === "won't do" && !f.reason) {
      ctx.addIssue({
        code: 'custom',
        path: ['reason'],
        message: `"${f.id}" is marked won't do without a reason; add reason: saying why it will not be done`,
      });
    }
    if (f.status === 'done' && f.evidence.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['evidence'],
        message: `"${f.id}" is marked done without evidence; list the merged pull request or release ("#2695", v4.5.5), a recorded verdict, or { stated: …, source: … } where it is only stated`,
      });
    }
  });

export const actionsSchema = z.array(followUpSchema, {
  error: 'expected actions.yaml to be a list of follow-ups, each starting with "- id:"',
});

export type FollowUp = z.output<typeof followUpSchema>;
export type Evidence = z.output<typeof evidence>;
export type VerdictEvidence = z.output<typeof verdictEvidence>;
