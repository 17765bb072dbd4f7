/**
 * Changes to the content format that make a file written for an earlier Aftermath wrong, each
 * with the release that made it. A field that a release renamed or removed is reported as such,
 * located like any other problem ("renamed to … in Aftermath 0.3.0"), instead of as an unknown
 * field; docs/upgrading.md says when a release adds an entry here, and what else it owes its users.
 */
export interface FormatChange {
  /** The file's name in an incident folder: 'index.mdx' (its frontmatter), 'timeline.yaml', … */
  file: string;
  /** The field as it was, as a problem names it, with list positions left out: `sources[].type`. */
  field: string;
  /** The release that changed it. */
  since: string;
  /** What to write now, e.g. `renamed to "kind"` or `removed: the build works it out from the timeline`. */
  change: string;
}

/** None yet: every release so far has read the files of the ones before it. */
export const FORMAT_CHANGES: readonly FormatChange[] = [];

/** The change that explains an unknown `field` in `file`, if a release made it unknown. */
export function formatChangeFor(
  file: string,
  field: string,
  changes: readonly FormatChange[] = FORMAT_CHANGES,
): FormatChange | undefined {
  const name = file.split('/').at(-1);
  const general = field.replace(/\[\d+\]/g, '[]');
  return changes.find((c) => c.file === name && c.field === general);
}

export function formatChangeMessage(key: string, change: FormatChange): string {
  return `"${key}" was ${change.change} in Aftermath ${change.since}; see the notes for ${change.since} in Aftermath's docs/upgrading.md`;
}
