/**
 * The one rule for every link an incident publishes, in the story and in every YAML field:
 * https:// and http:// addresses only (the story may also link within the site). A browser
 * ignores tabs, line breaks and control characters inside a URL's scheme (`java\tscript:` runs),
 * so they are ignored here too before the scheme is read.
 */

const SCHEME = /^([a-z][a-z0-9+.-]*):/i;
const PUBLISHED_SCHEMES = new Set(['https', 'http']);

const WHY: Record<string, string> = {
  javascript:
    "it would run script in the reader's browser (the site's Content-Security-Policy blocks it, so it would do nothing when clicked)",
  vbscript: "it would run script in the reader's browser",
  data: 'it hides a whole document inside the link, which readers cannot see or trust',
  file: "it points into the reader's own disk",
};

/** The scheme a browser would read (`javascript`), or undefined for a relative link. */
export function linkScheme(href: string): string | undefined {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what a browser drops
  const cleaned = href.replace(/[\u0000-\u0020\u007f]/g, '');
  return SCHEME.exec(cleaned)?.[1]?.toLowerCase();
}

/**
 * Why this link may not be published, or undefined when it may. `inStory` allows what only the
 * story may link to: pages of the site (`#timeline`, `/incidents/`), and an email address (GFM
 * links a bare address; whether it may be published at all is the PII lint's question).
 */
export function linkProblem(href: string, { inStory }: { inStory: boolean }): string | undefined {
  const scheme = linkScheme(href);
  if (inStory && scheme === 'mailto') return undefined;
  if (scheme === undefined) {
    if (inStory) return undefined;
    return `expected an absolute URL starting with https:// or http://; found "${shortened(href)}"`;
  }
  if (PUBLISHED_SCHEMES.has(scheme)) return undefined;
  const why = WHY[scheme] ?? 'it is not a web address';
  return `a ${scheme}: link is not allowed in an incident: ${why}. Only https:// and http:// links are published; link to an https:// address instead`;
}

function shortened(text: string): string {
  const line = text.replace(/\r?\n/g, '\\n');
  return line.length > 80 ? `${line.slice(0, 77)}…` : line;
}
