/**
 * Atlassian Statuspage (public API v2) as a timeline source: which address to read, how an
 * incident's updates become timeline entries, and how their HTML-ish bodies become plain Markdown.
 */
import { COMPONENT_STATUSES, STATUS_KINDS } from '../../schemas/timeline.ts';
import { isInstant, parseTimestamp } from '../../domain/time.ts';
import { ImportError } from '../error.ts';
import { exactMs, type ImportedTimelineEntry } from '../merge/timeline.ts';
import type { ImportIO, JsonRequest, TimelineSource } from '../source.ts';

type StatusKind = (typeof STATUS_KINDS)[number];
type ComponentStatus = (typeof COMPONENT_STATUSES)[number];

/**
 * Every update status Statuspage uses, with the timeline kind it becomes and the title shown.
 * Scheduled maintenances have their own four statuses; each maps to the incident status that
 * means the same to a reader, and the title keeps Statuspage's own word.
 */
export const STATUSPAGE_STATUSES: Readonly<Record<string, { kind: StatusKind; title: string }>> = {
  investigating: { kind: 'investigating', title: 'Investigating' },
  identified: { kind: 'identified', title: 'Identified' },
  monitoring: { kind: 'monitoring', title: 'Monitoring' },
  update: { kind: 'update', title: 'Update' },
  resolved: { kind: 'resolved', title: 'Resolved' },
  postmortem: { kind: 'postmortem', title: 'Postmortem' },
  scheduled: { kind: 'update', title: 'Scheduled' },
  in_progress: { kind: 'update', title: 'In progress' },
  verifying: { kind: 'monitoring', title: 'Verifying' },
  completed: { kind: 'resolved', title: 'Completed' },
};

// ---------------------------------------------------------------------------------------------
// Where to read
// ---------------------------------------------------------------------------------------------

/** What the importer should read: an address of the API, or a JSON file saved from it. */
export type StatuspageInput =
  | {
      kind: 'url';
      /** The API address to fetch. */
      url: string;
      /** The incident to import, when the address or `--incident` names it. */
      incidentId: string | undefined;
      /** The status page's own address (`https://status.example.com`), derived from the input. */
      pageUrl: string;
    }
  | { kind: 'file'; path: string; incidentId: string | undefined };

const API_SINGLE = /^(.*)\/api\/v2\/(?:incidents|scheduled-maintenances)\/([^/]+)\.json$/;
const API_ANY = /^(.*)\/api\/v2\/[\w/.-]+\.json$/;
const INCIDENT_PAGE = /^(.*)\/incidents\/([^/]+)$/;

/**
 * Turns what the user typed into what to read. Accepts an API address (`…/api/v2/incidents.json`
 * or `…/api/v2/incidents/<id>.json`), an incident page (`https://status.example.com/incidents/abc`),
 * a status page's base address (then `incidentId` is needed), or a path to a saved JSON file.
 * Plain `http:` is allowed so tests and local mirrors work.
 */
export function resolveStatuspageInput(input: string, incidentId?: string): StatuspageInput {
  const wanted = incidentId?.trim() || undefined;
  if (!/^[a-z][a-z\d+.-]*:\/\//i.test(input)) return { kind: 'file', path: input, incidentId: wanted };

  let parsed: URL;
  try {
    parsed = new URL(input);
  } catch {
    throw new ImportError(
      `"${input}" is not a valid address. Give the status page's address, e.g. https://status.example.com/incidents/abc123`,
    );
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new ImportError(`"${input}" uses ${parsed.protocol}; only https:// (or http://) addresses can be read`);
  }
  // Query and fragment never select an incident; dropping them keeps the derived addresses clean.
  const path = parsed.pathname.replace(/\/+$/, '');
  const origin = parsed.origin;

  const agree = (fromUrl: string): string => {
    if (wanted && wanted !== fromUrl) {
      throw new ImportError(
        `the address names incident "${fromUrl}" but --incident says "${wanted}"; give only one of them, or make them agree`,
        { field: '--incident' },
      );
    }
    return fromUrl;
  };

  const single = API_SINGLE.exec(path);
  if (single) {
    return {
      kind: 'url',
      url: `${origin}${path}`,
      incidentId: agree(decodeURIComponent(single[2]!)),
      pageUrl: origin + single[1]!,
    };
  }
  const list = API_ANY.exec(path);
  if (list) return { kind: 'url', url: `${origin}${path}`, incidentId: wanted, pageUrl: origin + list[1]! };

  const page = INCIDENT_PAGE.exec(path);
  if (page) {
    const id = agree(decodeURIComponent(page[2]!));
    return {
      kind: 'url',
      url: `${origin}${page[1]}/api/v2/incidents/${encodeURIComponent(id)}.json`,
      incidentId: id,
      pageUrl: origin + page[1]!,
    };
  }
  if (!wanted) {
    throw new ImportError(
      `which incident? Add --incident <id> (the last part of the incident's address, e.g. abc123 in ${origin}${path}/incidents/abc123), or give the incident's address itself`,
    );
  }
  return {
    kind: 'url',
    url: `${origin}${path}/api/v2/incidents/${encodeURIComponent(wanted)}.json`,
    incidentId: wanted,
    pageUrl: origin + path,
  };
}

// ---------------------------------------------------------------------------------------------
// The payload
// ---------------------------------------------------------------------------------------------

/** The fields of a Statuspage incident update this importer reads (others are ignored). */
export interface StatuspageUpdate {
  id?: string | null;
  status?: string | null;
  body?: string | null;
  created_at?: string | null;
  display_at?: string | null;
  affected_components?: StatuspageAffectedComponent[] | null;
}

/** A component whose status an update changed (`old_status` is null when it had none). */
export interface StatuspageAffectedComponent {
  code?: string | null;
  name?: string | null;
  old_status?: string | null;
  new_status?: string | null;
}

/** The fields of a Statuspage incident (or scheduled maintenance) this importer reads. */
export interface StatuspageIncident {
  id: string;
  name?: string | null;
  shortlink?: string | null;
  incident_updates?: StatuspageUpdate[] | null;
}

/** The status page itself, as each API document names it. */
export interface StatuspagePage {
  id?: string | null;
  name?: string | null;
  url?: string | null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Finds the incident in a Statuspage document: `{page, incident}` (one incident), or a list such
 * as `{page, incidents: [...]}` (`incidents.json`) or `{page, scheduled_maintenances: [...]}`.
 */
export function findIncident(
  document: unknown,
  incidentId: string | undefined,
  origin: string,
): { incident: StatuspageIncident; page: StatuspagePage } {
  if (!isRecord(document)) {
    throw new ImportError(
      `${origin} is not a Statuspage API document: expected a JSON object with "incident" or "incidents"`,
      { file: origin },
    );
  }
  const page: StatuspagePage = isRecord(document.page) ? (document.page as StatuspagePage) : {};
  const single = document.incident ?? document.scheduled_maintenance;
  if (isRecord(single)) {
    const incident = checkIncident(single, origin);
    if (incidentId && incident.id !== incidentId) {
      throw new ImportError(`${origin} holds incident "${incident.id}", not "${incidentId}"`, {
        file: origin,
        field: '--incident',
      });
    }
    return { incident, page };
  }
  const lists = [document.incidents, document.scheduled_maintenances].filter(Array.isArray) as unknown[][];
  if (lists.length === 0) {
    throw new ImportError(
      `${origin} is not a Statuspage incidents document: found ${
        Object.keys(document)
          .map((k) => `"${k}"`)
          .join(', ') || 'an empty object'
      }, expected "incident" or "incidents"`,
      { file: origin },
    );
  }
  const candidates = lists.flat().filter(isRecord);
  const ids = candidates.map((c) => String(c.id));
  if (!incidentId) {
    throw new ImportError(
      `${origin} lists ${candidates.length} incident(s); choose one with --incident <id>. Found: ${ids.join(', ') || 'none'}`,
      { file: origin, field: '--incident' },
    );
  }
  const found = candidates.find((c) => c.id === incidentId);
  if (!found) {
    throw new ImportError(
      `incident "${incidentId}" is not in ${origin}, which lists ${candidates.length === 0 ? 'no incidents' : `${candidates.length}: ${ids.join(', ')}`}. ` +
        "incidents.json holds only the most recent incidents; give the incident's own address (https://<status page>/incidents/<id>) instead",
      { file: origin, field: '--incident' },
    );
  }
  return { incident: checkIncident(found, origin), page };
}

function checkIncident(value: Record<string, unknown>, origin: string): StatuspageIncident {
  if (typeof value.id !== 'string' || value.id === '') {
    throw new ImportError(`${origin}: the incident has no "id"; is this a Statuspage API document?`, {
      file: origin,
      field: 'id',
    });
  }
  const updates = value.incident_updates;
  if (updates !== undefined && updates !== null && !Array.isArray(updates)) {
    throw new ImportError(`${origin}: incident "${value.id}" has "incident_updates" that is not a list`, {
      file: origin,
      field: 'incident_updates',
    });
  }
  return value as unknown as StatuspageIncident;
}

/**
 * The addresses that name the incident: the first is written as `source`; all of them identify
 * entries imported earlier (an author may have pasted the shortlink instead of the page address).
 * The page's `url` from the payload wins over the address the user typed, which may be a mirror.
 */
export function incidentAddresses(
  incident: StatuspageIncident,
  page: StatuspagePage,
  pageUrlFromInput?: string,
): string[] {
  const bases = [page.url, pageUrlFromInput].filter(
    (u): u is string => typeof u === 'string' && /^https?:\/\//.test(u),
  );
  const addresses = bases.map((base) => `${base.replace(/\/+$/, '')}/incidents/${encodeURIComponent(incident.id)}`);
  if (typeof incident.shortlink === 'string' && /^https?:\/\//.test(incident.shortlink))
    addresses.push(incident.shortlink);
  const unique = [...new Set(addresses)];
  if (unique.length === 0) {
    throw new ImportError(
      `cannot tell the address of incident "${incident.id}": the document has no page.url and no shortlink. Import from the status page's address instead of a file`,
    );
  }
  return unique;
}

// ---------------------------------------------------------------------------------------------
// Updates → timeline entries
// ---------------------------------------------------------------------------------------------

/** An update posted this much later than the time it displays was written after the fact. */
const BACKDATED_AFTER_MS = 60_000;

function describeUpdate(update: StatuspageUpdate, index: number, total: number): string {
  const id = update.id ? `id ${update.id}` : 'no id';
  const when = update.display_at ?? update.created_at;
  return `update ${index + 1} of ${total} (${id}${when ? `, ${when}` : ''})`;
}

function isComponentStatus(value: unknown): value is ComponentStatus {
  return typeof value === 'string' && (COMPONENT_STATUSES as readonly string[]).includes(value);
}

/**
 * Maps every update of the incident to one timeline entry, oldest first. It never drops an
 * update: anything it cannot map (an unknown status, a missing time, an unknown component
 * status) fails the whole import, with every such problem listed.
 */
export function timelineEntriesFromIncident(incident: StatuspageIncident, source: string): ImportedTimelineEntry[] {
  const updates = incident.incident_updates ?? [];
  const problems: string[] = [];
  const unknownStatuses = new Set<string>();
  const entries: ImportedTimelineEntry[] = [];

  updates.forEach((raw, index) => {
    const update: StatuspageUpdate = isRecord(raw) ? raw : {};
    const where = describeUpdate(update, index, updates.length);
    if (!isRecord(raw)) {
      problems.push(`${where} is not an object`);
      return;
    }
    const status = typeof update.status === 'string' ? update.status.trim().toLowerCase() : '';
    const mapping = Object.hasOwn(STATUSPAGE_STATUSES, status) ? STATUSPAGE_STATUSES[status] : undefined;
    if (!mapping) {
      unknownStatuses.add(status || '(none)');
      problems.push(
        `${where} has status ${update.status == null ? 'missing' : `"${update.status}"`}, which cannot be mapped to a timeline kind`,
      );
    }

    const at = updateTime(update, where, problems);
    const components: NonNullable<ImportedTimelineEntry['components']> = [];
    for (const [i, c] of (update.affected_components ?? []).entries()) {
      const name = typeof c?.name === 'string' ? c.name.trim() : '';
      if (!name) {
        problems.push(`${where}: affected component ${i + 1} has no name`);
        continue;
      }
      if (!isComponentStatus(c.new_status)) {
        problems.push(
          `${where}: component "${name}" has new_status ${JSON.stringify(c.new_status ?? null)}; expected one of ${COMPONENT_STATUSES.join(', ')}`,
        );
        continue;
      }
      const from =
        c.old_status === null || c.old_status === undefined || c.old_status === '' ? undefined : c.old_status;
      if (from !== undefined && !isComponentStatus(from)) {
        problems.push(
          `${where}: component "${name}" has old_status "${from}"; expected one of ${COMPONENT_STATUSES.join(', ')}`,
        );
        continue;
      }
      components.push(from ? { name, from, to: c.new_status } : { name, to: c.new_status });
    }

    if (!mapping || !at) return;
    const body = statuspageBodyToMarkdown(update.body ?? '');
    // Keys in the schema's order, so a written entry reads like a hand-written one.
    entries.push({
      at: at.text,
      kind: mapping.kind,
      title: mapping.title,
      ...(body ? { body } : {}),
      ...(components.length ? { components } : {}),
      source,
      confidence: 'verified',
      ...(at.backdated ? { backfilled: true as const } : {}),
    });
  });

  if (problems.length) {
    const accepted = Object.keys(STATUSPAGE_STATUSES).join(', ');
    const statusHint = unknownStatuses.size
      ? `\n\nStatuses found that cannot be mapped: ${[...unknownStatuses].join(', ')}. Accepted: ${accepted}.`
      : '';
    throw new ImportError(
      `cannot import incident "${incident.id}": ${problems.length} of its ${updates.length} update(s) cannot be mapped, and no update is ever dropped:\n  - ${problems.join('\n  - ')}${statusHint}`,
      { field: 'incident_updates' },
    );
  }
  if (entries.length !== updates.length) {
    // Unreachable unless the loop above changes; the promise "one entry per update" is checked anyway.
    throw new ImportError(`internal error: ${updates.length} update(s) in, ${entries.length} timeline entries out`);
  }
  // Statuspage lists updates newest first; a timeline reads oldest first. The sort is stable.
  return entries.sort((a, b) => exactMs(a.at) - exactMs(b.at));
}

function updateTime(
  update: StatuspageUpdate,
  where: string,
  problems: string[],
): { text: string; backdated: boolean } | undefined {
  const field = update.display_at ? 'display_at' : update.created_at ? 'created_at' : undefined;
  if (!field) {
    problems.push(`${where} has neither display_at nor created_at`);
    return undefined;
  }
  const text = String(update[field]).trim();
  const parsed = parseTimestamp(text);
  if (!isInstant(parsed)) {
    problems.push(`${where} has ${field} "${text}", which is not an ISO 8601 timestamp with an offset`);
    return undefined;
  }
  // display_at earlier than created_at means the update was posted later and backdated.
  const created = update.created_at ? parseTimestamp(update.created_at.trim()) : undefined;
  const backdated =
    field === 'display_at' &&
    created !== undefined &&
    isInstant(created) &&
    created.ms - parsed.ms > BACKDATED_AFTER_MS;
  return { text, backdated };
}

// ---------------------------------------------------------------------------------------------
// HTML-ish bodies → plain Markdown
// ---------------------------------------------------------------------------------------------

/** Elements whose content is never text for a reader (and must never survive as markup). */
const DROPPED_WITH_CONTENT = new Set([
  'script',
  'style',
  'iframe',
  'object',
  'embed',
  'template',
  'noscript',
  'textarea',
  'select',
  'svg',
  'math',
  'head',
  'title',
  'noembed',
  'noframes',
  'frameset',
]);
const BLOCK_ELEMENTS = new Set([
  'p',
  'div',
  'section',
  'article',
  'header',
  'footer',
  'aside',
  'main',
  'nav',
  'blockquote',
  'pre',
  'table',
  'thead',
  'tbody',
  'tr',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
  'ul',
  'ol',
  'dl',
  'dd',
  'dt',
  'figure',
  'figcaption',
  'address',
  'details',
  'summary',
]);
const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ndash: '–',
  mdash: '—',
  hellip: '…',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  laquo: '«',
  raquo: '»',
  bull: '•',
  middot: '·',
  copy: '©',
  reg: '®',
  trade: '™',
  deg: '°',
  times: '×',
  euro: '€',
  pound: '£',
  yen: '¥',
  cent: '¢',
  sect: '§',
  para: '¶',
  shy: '',
  zwnj: '',
  zwj: '',
  larr: '←',
  rarr: '→',
  uarr: '↑',
  darr: '↓',
};
/** A comment, a doctype or processing instruction, or a start or end tag with quoted attributes. */
const TOKEN = /<!--[\s\S]*?(?:-->|$)|<[!?][^>]*>|<(\/?)([a-zA-Z][a-zA-Z\d-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g;

/** Decodes HTML character references: named ones from a common set, and all numeric ones. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#\d+|#x[\da-f]+|[a-z][a-z\d]*);/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code =
        ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      // HTML maps NUL, surrogates and out-of-range values to the replacement character.
      if (!Number.isFinite(code) || code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
        return '\uFFFD';
      return String.fromCodePoint(code);
    }
    if (Object.hasOwn(NAMED_ENTITIES, ref)) return NAMED_ENTITIES[ref]!;
    const lower = ref.toLowerCase();
    return Object.hasOwn(NAMED_ENTITIES, lower) ? NAMED_ENTITIES[lower]! : whole;
  });
}

/**
 * Escapes decoded text so Markdown shows it as written and can never turn it into markup:
 * a `<` that could open a tag becomes `&lt;`, text that looks like an entity keeps its `&`,
 * and `](`, `][`, `]:` cannot form a link (whose address could be `javascript:`).
 */
function escapeMarkdownText(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/&(?=#?[a-z\d]+;)/gi, '&amp;')
    .replace(/<(?=[a-z/!?])/gi, '&lt;')
    .replace(/\](?=[([:])/g, '\\]');
}

function attribute(attributes: string, name: string): string | undefined {
  const match = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s"'=<>\`]+))`, 'i').exec(attributes);
  if (!match) return undefined;
  return decodeEntities(match[1] ?? match[2] ?? match[3] ?? '').trim();
}

/** Only addresses a reader can follow safely become links; `javascript:` and the like stay text. */
function safeHref(href: string | undefined): string | undefined {
  if (!href || !/^(?:https?:\/\/|mailto:)/i.test(href)) return undefined;
  return href.replace(/[\s()<>]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** A piece of the converted body: text from the input (escaped later, as one run) or Markdown this converter wrote. */
type BodyPart = { text: string } | { markup: string };

function partValue(part: BodyPart): string {
  return 'text' in part ? part.text : part.markup;
}

/**
 * Joins parts, escaping each run of adjacent text as a whole: a `<` and the `script>` after a
 * removed tag are one run, so they cannot meet unescaped. Markup this converter writes never
 * starts with a letter or `/`, so it cannot complete a tag either.
 */
function renderParts(parts: readonly BodyPart[]): string {
  let out = '';
  let run = '';
  for (const part of parts) {
    if ('text' in part) {
      run += part.text;
      continue;
    }
    out += escapeMarkdownText(run) + part.markup;
    run = '';
  }
  return out + escapeMarkdownText(run);
}

/**
 * Converts a Statuspage update body (plain text with line breaks, sometimes with HTML such as
 * `<a>`, `<strong>`, `<br>`, `<ul><li>`) to plain Markdown. Tags are removed and their meaning
 * kept where Markdown has it (links, emphasis, lists, line breaks); `<script>`, `<style>` and
 * similar elements are removed with their content; attributes (`onerror=` and the like) never
 * survive; entities are decoded, and text that would read as markup is escaped. Line breaks in
 * the text are kept as they are.
 */
export function statuspageBodyToMarkdown(html: string): string {
  const source = html.replace(/\r\n?/g, '\n');
  const out = new MarkdownBody();
  let dropping: { name: string; depth: number } | undefined;
  let last = 0;
  for (const match of source.matchAll(TOKEN)) {
    const before = source.slice(last, match.index);
    last = match.index + match[0].length;
    if (!dropping) out.text(before);
    const name = match[2]?.toLowerCase();
    if (!name) continue; // a comment, doctype or processing instruction
    const closing = match[1] === '/';
    const selfClosing = /\/\s*$/.test(match[3] ?? '');
    if (dropping) {
      if (name === dropping.name) dropping.depth += closing ? -1 : selfClosing ? 0 : 1;
      if (dropping.depth === 0) dropping = undefined;
    } else if (DROPPED_WITH_CONTENT.has(name)) {
      if (!closing && !selfClosing) dropping = { name, depth: 1 };
    } else out.tag(name, closing, match[3] ?? '');
  }
  if (!dropping) out.text(source.slice(last));
  return out.markdown();
}

/** The Markdown of a body as its tokens arrive: text runs, and the tags whose meaning it keeps. */
class MarkdownBody {
  private readonly parts: BodyPart[] = [];
  private skipLeadingSpace = false;
  private readonly lists: { ordered: boolean; next: number }[] = [];
  private readonly links: { start: number; href: string | undefined }[] = [];
  private readonly emphasis: { name: string; start: number }[] = [];

  text(raw: string): void {
    // Control characters (but tab and newline) carry nothing a reader can see.
    // eslint-disable-next-line no-control-regex
    let text = decodeEntities(raw).replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
    if (this.skipLeadingSpace) text = text.replace(/^\s+/, '');
    if (!text) return;
    this.skipLeadingSpace = false;
    this.parts.push({ text });
  }

  /** One tag; every one it does not name (span, img, font, …) is removed and its text stays. */
  tag(name: string, closing: boolean, attributes: string): void {
    if (name === 'br') {
      this.trimTrailingBlanks();
      this.parts.push({ markup: '\n' });
      this.skipLeadingSpace = true;
    } else if (name === 'li') {
      if (!closing) this.listItem();
    } else if (name === 'ul' || name === 'ol') {
      if (closing) this.lists.pop();
      else this.lists.push({ ordered: name === 'ol', next: 1 });
      // A nested list starts on the next line; the outermost one is a block of its own.
      this.block(this.lists.length > (closing ? 0 : 1) ? '\n' : '\n\n');
    } else if (BLOCK_ELEMENTS.has(name)) {
      this.block('\n\n');
    } else if (name === 'a') {
      if (closing) this.closeLink();
      else this.links.push({ start: this.parts.length, href: safeHref(attribute(attributes, 'href')) });
    } else if (['strong', 'b', 'em', 'i', 'code'].includes(name)) {
      if (closing) this.closeEmphasis(name);
      else this.emphasis.push({ name, start: this.parts.length });
    }
  }

  markdown(): string {
    return renderParts(this.parts)
      .split('\n')
      .map((line) => line.trimEnd())
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim();
  }

  private listItem(): void {
    const list = this.lists.at(-1);
    this.block('\n');
    const indent = '  '.repeat(Math.max(0, this.lists.length - 1));
    this.parts.push({ markup: indent + (list?.ordered ? `${list.next++}. ` : '- ') });
  }

  private closeLink(): void {
    const link = this.links.pop();
    if (!link) return;
    const inner = this.takeFrom(link.start);
    const plain = inner.map(partValue).join('').trim();
    // Brackets inside the label would end it early.
    const label = renderParts(inner)
      .trim()
      .replace(/(?<!\\)([[\]])/g, '\\$1');
    if (link.href && plain && plain !== link.href) this.parts.push({ markup: `[${label}](${link.href})` });
    else if (link.href && !plain) this.parts.push({ text: link.href });
    else this.parts.push(...inner); // a bare address is linked by the renderer anyway
  }

  private closeEmphasis(name: string): void {
    const index = this.emphasis.findLastIndex((e) => e.name === name);
    if (index < 0) return;
    const { start } = this.emphasis.splice(index, 1)[0]!;
    const inner = this.takeFrom(start);
    const rendered = renderParts(inner);
    const trimmed = rendered.trim();
    const marker = name === 'strong' || name === 'b' ? '**' : name === 'code' ? '`' : '*';
    if (!trimmed || (marker === '`' && trimmed.includes('`'))) {
      this.parts.push(...inner);
      return;
    }
    // "** bold **" is not emphasis in Markdown: the spaces go outside the markers.
    const lead = rendered.slice(0, rendered.length - rendered.trimStart().length);
    const trail = rendered.slice(rendered.trimEnd().length);
    this.parts.push({ markup: `${lead}${marker}${trimmed}${marker}${trail}` });
  }

  private tail(length: number): string {
    let text = '';
    for (let i = this.parts.length - 1; i >= 0 && text.length < length; i--) text = partValue(this.parts[i]!) + text;
    return text;
  }

  private trimTrailingBlanks(): void {
    while (this.parts.length) {
      const last = this.parts.at(-1)!;
      const trimmed = partValue(last).replace(/[ \t]+$/, '');
      if (trimmed) {
        this.parts[this.parts.length - 1] = 'text' in last ? { text: trimmed } : { markup: trimmed };
        return;
      }
      this.parts.pop();
    }
  }

  private block(separator: '\n' | '\n\n'): void {
    this.trimTrailingBlanks();
    const end = this.tail(2);
    if (this.parts.length && !end.endsWith(separator))
      this.parts.push({ markup: end.endsWith('\n') ? '\n' : separator });
    this.skipLeadingSpace = true;
  }

  /** Takes the parts from `start` on out of the output (a link label, an emphasised phrase). */
  private takeFrom(start: number): BodyPart[] {
    return this.parts.splice(Math.min(start, this.parts.length));
  }
}

// ---------------------------------------------------------------------------------------------
// The source
// ---------------------------------------------------------------------------------------------

/** What `read` hands to `map`: the API document and where it came from (for messages). */
export interface StatuspagePayload {
  document: unknown;
  /** The address or file it was read from. */
  origin: string;
}

/** How a request to a status page can fail, in words. */
function statuspageRequest(): JsonRequest {
  return {
    headers: { Accept: 'application/json', 'User-Agent': 'aftermath-import-statuspage' },
    failed: ({ status, statusText, url }) =>
      status === 404
        ? `incident not found: ${url} answered 404 Not Found. Check the incident id (the last part of the incident's address) and the status page's address`
        : `${url} answered ${status} ${statusText}; try again later, or save the JSON by hand and import the file`,
    notJson: ({ url, contentType, text }) => {
      const start = text.trim().slice(0, 60).replace(/\s+/g, ' ');
      return `${url} did not answer with JSON (${contentType}; it starts with "${start}${text.length > 60 ? '…' : ''}"). Is this a Statuspage status page? Give its address, e.g. https://status.example.com/incidents/<id>`;
    },
    unreachable: ({ url, timedOut, reason, seconds }) =>
      timedOut
        ? `no answer from ${url} within ${seconds} s; check the address and your connection`
        : `could not reach ${url} (${reason}); check the address and your internet connection`,
  };
}

/** Statuspage: an incident's updates (from the API or a saved JSON file) as timeline entries. */
export const statuspage: TimelineSource<StatuspageInput, StatuspagePayload> = {
  name: 'statuspage',
  target: 'timeline',
  kinds: STATUS_KINDS,
  words: { subject: 'incident', entry: 'update', origin: 'the status page' },

  async read(input: StatuspageInput, io: ImportIO): Promise<StatuspagePayload> {
    if (input.kind === 'url') return { document: await io.getJson(input.url, statuspageRequest()), origin: input.url };
    const document = io.readJsonFile(input.path, {
      missing: (path) =>
        `no such file: ${path}. Give a status page address (https://…) or a JSON file saved from its API`,
      notJson: (path, reason) =>
        `${path} is not JSON (${reason}); save the API's answer (…/api/v2/incidents/<id>.json) as it is`,
    });
    return { document, origin: input.path };
  },

  map({ document, origin }, input) {
    const { incident, page } = findIncident(document, input.incidentId, origin);
    const sources = incidentAddresses(incident, page, input.kind === 'url' ? input.pageUrl : undefined);
    return {
      entries: timelineEntriesFromIncident(incident, sources[0]!),
      sources,
      subject: `${incident.name ? `"${incident.name}" ` : ''}(${incident.id})`,
    };
  },
};
