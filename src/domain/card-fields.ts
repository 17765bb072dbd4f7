/**
 * The summary card's one-line frontmatter fields. A fact bound to one of them supports the card's
 * answer: the field must then be given (or the card would say "unknown" although the fact answers
 * it), and the card cites the fact. The line is the author's own summary, so it is not compared
 * with the fact's value.
 */
export const CARD_FIELDS = ['trigger', 'root_cause', 'detection', 'resolution'] as const;
export type CardField = (typeof CARD_FIELDS)[number];
