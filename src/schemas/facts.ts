/**
 * `content/incidents/<slug>/facts.yaml`: the incident's sourced facts, each cited by key from the
 * MDX (`<Fact k="…" />`) so a number and its citation live in one place. Bindings tie a fact to
 * the frontmatter, the timeline or the history, and the build fails when they disagree.
 */
import { z } from 'astro/zod';
import { longText, nonEmpty, oneLine, slugWord, url } from './fields.ts';
import { CARD_FIELDS } from '../domain/card-fields.ts';

/** Key moments of the frontmatter that a fact may bound when they are unknown. */
export const BOUNDED_MOMENTS = ['detected', 'mitigated', 'resolved'] as const;

export { CARD_FIELDS, type CardField } from '../domain/card-fields.ts';

/** The frontmatter fields a fact may restate (compared with its value) or answer (the card's lines). */
const FRONTMATTER_BINDINGS = [
  'started',
  'detected',
  'mitigated',
  'resolved',
  'timezone',
  'severity',
  'title',
  ...CARD_FIELDS,
] as const;
export type FrontmatterBinding = (typeof FRONTMATTER_BINDINGS)[number];

const binding = z.union(
  [
    z.strictObject({ frontmatter: z.enum(FRONTMATTER_BINDINGS) }),
    z.strictObject({ timeline: z.strictObject({ kind: nonEmpty('a timeline kind'), title: z.string().optional() }) }),
    z.strictObject({
      history: z.strictObject({
        ref: nonEmpty('a history key such as "#2641"'),
        field: nonEmpty('a field such as merged'),
      }),
    }),
  ],
  {
    error:
      'expected a binding: { frontmatter: started }, { timeline: { kind: impact-start } } or { history: { ref: "#2641", field: merged } }',
  },
);

export const factSchema = z.strictObject({
  key: slugWord,
  /** The value as the text should show it; a timestamp when it is bound to a time. */
  value: z.union([longText('the value', 400), z.number()], { error: 'expected the value as text or a number' }),
  /** How the prose shows the value when it differs (e.g. "01:00 Pacific time" for a timestamp). */
  display: oneLine('display', 200).optional(),
  /** What the value means, for the facts table (one short sentence). */
  label: oneLine('a label saying what the value is', 400),
  source: url,
  confidence: z.enum(['verified', 'secondary', 'estimated'], {
    error: 'expected confidence to be verified, secondary or estimated (an unknown is not a fact: say it in the text)',
  }),
  note: longText('a note', 2000).optional(),
  /**
   * The fact bounds a key moment the frontmatter leaves unknown (e.g. "taken offline no earlier
   * than 10:00"): the header shows the bound instead of a bare "unknown", and when the moment is
   * known the build checks that it respects the bound. The value must then be a timestamp.
   */
  bound: z
    .strictObject(
      {
        moment: z.enum(BOUNDED_MOMENTS, { error: `expected moment to be one of: ${BOUNDED_MOMENTS.join(', ')}` }),
        side: z.enum(['not-before', 'not-after'], { error: 'expected side to be not-before or not-after' }),
      },
      { error: 'expected a bound such as { moment: mitigated, side: not-before }' },
    )
    .optional(),
  /** Places that state the same fact and must agree with it. */
  matches: z.array(binding).default([]),
});

export const factsSchema = z.array(factSchema, {
  error: 'expected facts.yaml to be a list of facts, each starting with "- key:"',
});

export type Fact = z.output<typeof factSchema>;
