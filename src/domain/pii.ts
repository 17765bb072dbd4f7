/**
 * The PII lint's scanner (issue #6): finds what must never be published by accident in a content
 * file's text: email addresses, payment card numbers, API tokens and private keys, and phone
 * numbers. Pure: no file access; `src/archive/pii-scan.ts` walks the incident folders and applies the
 * allowlist.
 *
 * The rules lean towards precision, because every finding fails the build: a postmortem is full
 * of timestamps, commit SHAs, version numbers, CVE ids, issue numbers and URLs with long numeric
 * ids, and none of those may fire. What a rule must not confuse is listed next to it.
 */

export const PII_KINDS = ['email', 'card', 'token', 'phone'] as const;
export type PiiKind = (typeof PII_KINDS)[number];

export interface PiiFinding {
  /** The file the text came from, as given to {@link scanText}. */
  file: string;
  /** 1-based line and column of the finding's first character. */
  line: number;
  column: number;
  kind: PiiKind;
  /** What it looks like, in words: "an email address", "a GitHub token". */
  label: string;
  /** The finding masked by {@link mask}: safe to print. */
  excerpt: string;
  /**
   * The exact text found, only for comparing with allowlist entries. Never print it: it may be
   * a live secret.
   */
  match: string;
}

/**
 * Masks a finding for printing: the first 4 and last 2 characters of a long one (fewer of a
 * short one), so the author can find it without the report repeating the secret.
 */
export function mask(text: string): string {
  const chars = [...text];
  const n = chars.length;
  const [head, tail] = n >= 12 ? [4, 2] : n >= 6 ? [2, 1] : [1, 0];
  return `${chars.slice(0, head).join('')}…${chars.slice(n - tail).join('')}`;
}

/** The Luhn checksum that every payment card number passes (and 9 in 10 random numbers fail). */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** Shannon entropy in bits per character: random tokens score high, words and ids lower. */
export function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

interface Hit {
  start: number;
  end: number;
  kind: PiiKind;
  label: string;
}

// ---------------------------------------------------------------------------------------------
// URLs: email, card and phone rules never fire inside one (tweet ids, GitHub issue numbers,
// `https://medium.com/@name`). Tokens still do: `?access_token=…` in a URL is a leak too.

const URL_END = /[\s<>"'`]/;
const DOMAIN = /^(?:[a-z0-9-]+\.)+[a-z]{2,}$/i;

/** Where URLs are: `scheme://…`, and bare `host.tld/…`, each up to whitespace or a quote. */
function urlSpans(text: string): [number, number][] {
  const spans: [number, number][] = [];
  const extend = (from: number) => {
    let end = from;
    while (end < text.length && !URL_END.test(text[end]!)) end++;
    return end;
  };
  // Anchored on "://" and "/" rather than tried at every position: this runs on every file.
  for (let i = text.indexOf('://'); i >= 0; i = text.indexOf('://', i + 3)) {
    let start = i;
    while (start > 0 && /[a-z0-9+.-]/i.test(text[start - 1]!)) start--;
    if (start < i && /[a-z]/i.test(text[start]!)) spans.push([start, extend(i + 3)]);
  }
  let covered = 0;
  for (let i = text.indexOf('/'); i >= 0; i = text.indexOf('/', i + 1)) {
    if (i < covered || spans.some(([s, e]) => i >= s && i < e)) continue;
    let start = i;
    while (start > 0 && /[a-z0-9.-]/i.test(text[start - 1]!)) start--;
    if (start === i || /[\w@.-]/.test(text[start - 1] ?? '') || !DOMAIN.test(text.slice(start, i))) continue;
    covered = extend(i);
    spans.push([start, covered]);
  }
  return spans;
}

// ---------------------------------------------------------------------------------------------
// Email addresses. Not: `git@github.com:owner/repo` (SSH remotes), `redis@4.5.5` (no top-level
// domain), `logo@2x.png`, `@scope/package`, and addresses at the reserved example domains
// (RFC 2606/6761: example.com, *.example, *.test, *.invalid, *.localhost), which are placeholders.

/** Applied from the start of the local part before each `@` (cheaper than trying every position). */
const EMAIL = /[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,24}\b/y;
const LOCAL_CHAR = /[A-Za-z0-9._%+-]/;
const RESERVED_DOMAIN = /(?:^|\.)(?:example\.(?:com|net|org)|example|test|invalid|localhost)$/i;

function emails(text: string): Hit[] {
  const hits: Hit[] = [];
  for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
    let start = at;
    while (start > 0 && at - start < 64 && LOCAL_CHAR.test(text[start - 1]!)) start--;
    EMAIL.lastIndex = start;
    const m = EMAIL.exec(text);
    if (!m) continue;
    const end = m.index + m[0].length;
    const domain = m[0].slice(m[0].indexOf('@') + 1);
    if (RESERVED_DOMAIN.test(domain)) continue;
    if (/^\d+(?:\.\d+)?x\./i.test(domain)) continue; // icon@2x.png
    if (/^:[\w~/.-]/.test(text.slice(end, end + 2))) continue; // git@github.com:owner/repo.git
    if (m[0].startsWith('.') || m[0].includes('..')) continue;
    hits.push({ start: m.index, end, kind: 'email', label: 'an email address' });
  }
  return hits;
}

// ---------------------------------------------------------------------------------------------
// Payment card numbers: 13–19 digits, written together or in the groups cards are printed in
// (4-4-4-4, 4-4-4-4-3, 4-6-5, 4-6-4) with one kind of separator, starting like a card of a major
// network (2221–2720, 3, 4, 5 or 6), and passing the Luhn check. Not: dates (4-2-2), CVE ids
// (`CVE-2023-28858`), decimals and versions, numbers glued to letters (hex SHAs), issue numbers
// (`#2624`), ids after a slash, and numbers that fail Luhn.

/** Runs of digit groups joined by single spaces or dashes, standing alone. */
const DIGIT_RUN = /(?<![\w.,+\-/#@$€£])\d+(?:[ -]\d+)*/g;

function cardLayout(groups: string[]): boolean {
  const lengths = groups.map((g) => g.length);
  const total = lengths.reduce((a, b) => a + b, 0);
  if (total < 13 || total > 19) return false;
  if (groups.length === 1) return true;
  const shape = lengths.join('-');
  if (shape === '4-6-5' || shape === '4-6-4') return true;
  // All groups of four but the last, which holds the rest (1–4 digits).
  return (
    lengths.slice(0, -1).every((l) => l === 4) && lengths.at(-1)! >= 1 && lengths.at(-1)! <= 4 && groups.length <= 5
  );
}

function cardNetwork(digits: string): string | undefined {
  const two = Number(digits.slice(0, 2));
  const four = Number(digits.slice(0, 4));
  if (digits[0] === '4') return 'Visa';
  if (two >= 51 && two <= 55) return 'Mastercard';
  if (four >= 2221 && four <= 2720) return 'Mastercard';
  if (two === 34 || two === 37) return 'American Express';
  if (two === 35) return 'JCB';
  if (two === 30 || two === 36 || two === 38 || two === 39) return 'Diners Club';
  if (digits[0] === '6') return 'Discover, UnionPay or Maestro';
  if (digits[0] === '5') return 'Maestro';
  return undefined;
}

function cards(text: string): Hit[] {
  const hits: Hit[] = [];
  for (const m of text.matchAll(DIGIT_RUN)) {
    const after = text.slice(m.index + m[0].length, m.index + m[0].length + 2);
    // Glued to letters (a hex SHA), a decimal (`….5`), or a longer dotted or slashed number.
    if (/^(?:\w|[.,:/]\d)/.test(after)) continue;
    if (m[0].replace(/\D/g, '').length < 13) continue;
    // Split into groups, remembering where each starts, and try every window of whole groups.
    const groups: { text: string; start: number; sep: string }[] = [];
    for (const g of m[0].matchAll(/(^|[ -])(\d+)/g))
      groups.push({ text: g[2]!, start: m.index + g.index + g[1]!.length, sep: g[1]! });
    let i = 0;
    while (i < groups.length) {
      let found = 0;
      // Longest window first: 4111 1111 1111 1111 222 is one number, not a card and three digits.
      for (let j = Math.min(groups.length, i + 5); j > i; j--) {
        const window = groups.slice(i, j);
        const seps = new Set(window.slice(1).map((g) => g.sep));
        if (seps.size > 1) continue;
        if (!cardLayout(window.map((g) => g.text))) continue;
        const digits = window.map((g) => g.text).join('');
        const network = cardNetwork(digits);
        if (!network || !luhnValid(digits) || /^(\d)\1+$/.test(digits)) continue;
        const last = window.at(-1)!;
        hits.push({
          start: window[0]!.start,
          end: last.start + last.text.length,
          kind: 'card',
          label: `a payment card number (${network}, passes the Luhn check)`,
        });
        found = j - i;
        break;
      }
      i += found || 1;
    }
  }
  return hits;
}

// ---------------------------------------------------------------------------------------------
// API tokens and private keys, by the prefixes their issuers give them, plus one conservative
// rule for a long random-looking value assigned to a key named like a secret. Not: commit SHAs
// (`merge_commit: 9fe8…`), `sha256:…` digests, placeholders (`${TOKEN}`, `process.env.API_KEY`).

const TOKEN_RULES: { label: string; pattern: RegExp; check?: (token: string) => boolean }[] = [
  { label: 'a GitHub token', pattern: /\bgh[pousr]_[A-Za-z0-9]{30,255}\b/g },
  { label: 'a GitHub fine-grained token', pattern: /\bgithub_pat_[A-Za-z0-9_]{22,255}\b/g },
  // AKIAIOSFODNN7EXAMPLE and its kind are the placeholders of AWS's own documentation.
  { label: 'an AWS access key id', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, check: (t) => !t.endsWith('EXAMPLE') },
  { label: 'a Slack token', pattern: /\bxox[baprs]-[A-Za-z0-9-]{10,}/g },
  { label: 'a Stripe live key', pattern: /\b[rs]k_live_[A-Za-z0-9]{16,}\b/g },
  { label: 'a Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}(?![\w-])/g },
  {
    label: 'an OpenAI API key',
    pattern: /(?<![\w-])sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{32,}(?![\w-])/g,
    // Long hyphenated words ("sk-…") are not keys: a key mixes cases and digits.
    check: (t) => /\d/.test(t) && /[a-z]/.test(t) && /[A-Z]/.test(t),
  },
  { label: 'a JSON Web Token', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g },
  { label: 'a private key', pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g },
];

/**
 * `api_key: …`, `"client_secret": "…"`, `PASSWORD=…`, `Authorization: Bearer …`. The key may be
 * quoted; the value is what is reported.
 */
const SECRET_WORD =
  /token|secret|passw(?:or)?d|pwd|api[_-]?key|apikey|access[_-]?key|private[_-]?key|auth[_-]?key|credential/gi;
/** After the key: the assignment and the value (applied at the end of the key). */
const ASSIGNED_VALUE =
  /["']?[ \t]*(?::=|=>|[:=])[ \t]*["']?((?:[Bb]earer|[Bb]asic|[Tt]oken)[ \t]+)?([A-Za-z0-9+/=_.~-]{20,})/y;
const BEARER = /\b[Bb]earer[ \t]+([A-Za-z0-9+/=_.~-]{20,})/g;
/** Keys that hold hashes and commits, never secrets, whatever else their name says. */
const HASH_KEY = /sha|commit|hash|digest|checksum|fingerprint|integrity/i;
const PLACEHOLDER = /example|placeholder|redacted|dummy|changeme|your[_-]|x{6,}/i;

function randomLooking(value: string): boolean {
  if (/^(?:sha\d*|md5|blake\d*)[:-]/i.test(value)) return false; // sha256:… digests
  if (/^[./~]/.test(value) || value.includes('//')) return false; // paths
  if (/^[a-z_$][\w$]*(?:\.[a-z_$][\w$]*){2,}$/i.test(value)) return false; // process.env.API_KEY
  if (PLACEHOLDER.test(value)) return false;
  if (!/\d/.test(value) || !/[A-Za-z]/.test(value)) return false;
  return entropy(value) >= 3.0;
}

function tokens(text: string): Hit[] {
  const hits: Hit[] = [];
  for (const rule of TOKEN_RULES) {
    for (const m of text.matchAll(rule.pattern)) {
      if (rule.check && !rule.check(m[0])) continue;
      hits.push({ start: m.index, end: m.index + m[0].length, kind: 'token', label: rule.label });
    }
  }
  let lastKeyEnd = -1;
  for (const word of text.matchAll(SECRET_WORD)) {
    // The whole key around the word: `client_secret`, `GITHUB_TOKEN`, `db.password`.
    let keyStart = word.index;
    while (keyStart > 0 && word.index - keyStart < 40 && /[\w.-]/.test(text[keyStart - 1]!)) keyStart--;
    let keyEnd = word.index + word[0].length;
    while (keyEnd < text.length && /[\w-]/.test(text[keyEnd]!)) keyEnd++;
    if (keyEnd === lastKeyEnd) continue; // two words in one key (`secret_token`)
    lastKeyEnd = keyEnd;
    ASSIGNED_VALUE.lastIndex = keyEnd;
    const m = ASSIGNED_VALUE.exec(text);
    if (!m) continue;
    const key = text.slice(keyStart, keyEnd);
    const [, scheme, value] = m as unknown as [string, string | undefined, string];
    if (HASH_KEY.test(key) || !randomLooking(value)) continue;
    const start = m.index + m[0].length - value.length;
    hits.push({
      start,
      end: start + value.length,
      kind: 'token',
      label: `a secret assigned to "${key}"${scheme ? ` (${scheme.trim()})` : ''}`,
    });
  }
  for (const m of text.matchAll(BEARER)) {
    const value = m[1]!;
    if (!randomLooking(value)) continue;
    const start = m.index + m[0].length - value.length;
    hits.push({ start, end: start + value.length, kind: 'token', label: 'a bearer token' });
  }
  return hits;
}

// ---------------------------------------------------------------------------------------------
// Phone numbers: international (+CC, 8–15 digits in all, as E.164 allows) and the common national
// formats with separators: (415) 555-0100, 415-555-0100, 020 7946 0958, 06 12 34 56 78. Not:
// dates, times, ISO timestamps and their offsets (`+02:00`), versions, decimals, issue numbers,
// ids in URLs, digits without any separator.

const PHONE_PATTERNS: RegExp[] = [
  // +1 415 555 0100, +44 (0)20 7946 0958, +33 6 12 34 56 78, +49 30 12345678, +14155550100
  /(?<![\w+])\+[1-9]\d{0,2}(?:(?:[ .-]?\(\d{1,4}\)[ .-]?|[ .-])\d{1,8}){2,7}|(?<![\w+])\+[1-9]\d{7,14}/g,
  // (415) 555-0100, 415-555-0100, 415.555.0100, 415 555 0100 (one kind of separator), 1-800-555-0100
  /(?<![\w+.\-/#])(?:1[ .-])?(?:\([2-9]\d{2}\)[ ]?\d{3}[ .-]|[2-9]\d{2}([ .-])\d{3}\1)\d{4}/g,
  // 020 7946 0958, 030-12345678, 0151 2345 6789, (030) 1234567, 06 12 34 56 78, 06.12.34.56.78
  /(?<![\w+.\-/#])(?:0[1-9]\d{0,3}(?:( )\d{2,8}(?:\1\d{2,8}){0,3}|(-)\d{2,8}(?:\2\d{2,8}){0,3})|\(0[1-9]\d{0,3}\)[ ]?\d{3,8}(?: \d{2,8})?|0[1-9](?:\.\d{2}){4})/g,
];

/** Pairs of digits between pairs of hex digits (`ab 06 12 34 56 78 9f`) are a dump, not a French number. */
function inHexDump(text: string, start: number, end: number, match: string): boolean {
  if (!/^\d\d(?: \d\d)+$/.test(match)) return false;
  const hexPair = (pair: string | undefined) => pair !== undefined && /^[0-9a-f]{2}$/i.test(pair) && /\d/.test(pair);
  const before = /(?:^|\s)(\S{2}) $/.exec(text.slice(Math.max(0, start - 4), start))?.[1];
  const after = /^ (\S{2})(?:\s|$)/.exec(text.slice(end, end + 4))?.[1];
  return hexPair(before) || hexPair(after);
}

function phones(text: string): Hit[] {
  const hits: Hit[] = [];
  for (const pattern of PHONE_PATTERNS) {
    for (const m of text.matchAll(pattern)) {
      const end = m.index + m[0].length;
      // Part of something longer: a word, a decimal, a date or version with more parts.
      if (/^(?:\w|[.:/-]\d)/.test(text.slice(end, end + 2))) continue;
      const digits = m[0].replace(/\D/g, '');
      const international = m[0].startsWith('+');
      if (international ? digits.length < 8 || digits.length > 15 : digits.length < 9 || digits.length > 12) continue;
      // 00 00 00 00 00 is padding, not a subscriber.
      if (new Set(digits).size < 3) continue;
      if (inHexDump(text, m.index, end, m[0])) continue;
      hits.push({ start: m.index, end, kind: 'phone', label: 'a phone number' });
    }
  }
  return hits;
}

// ---------------------------------------------------------------------------------------------

/** Which rule wins when two findings overlap: the more specific one. */
const PRIORITY: Record<PiiKind, number> = { token: 0, card: 1, email: 2, phone: 3 };

/**
 * Every finding in `text`, in order. `file` is only carried into the findings. Line and column
 * are 1-based, counted in UTF-16 code units like an editor's column for most text.
 */
export function scanText(text: string, file: string): PiiFinding[] {
  // `\n`, `\t` and `\r` escapes (JSON strings, recorded stdout) separate words as the real
  // characters would; same length, so columns stay true.
  const view = text.replace(/\\[nrt]/g, '  ');
  const urls = urlSpans(view);
  const inUrl = (h: Hit) => urls.some(([s, e]) => h.start >= s && h.start < e);
  const hits = [...tokens(view), ...[...cards(view), ...emails(view), ...phones(view)].filter((h) => !inUrl(h))];
  hits.sort((a, b) => a.start - b.start || PRIORITY[a.kind] - PRIORITY[b.kind] || b.end - a.end);

  const kept: Hit[] = [];
  for (const hit of hits) {
    const clash = kept.findIndex((k) => hit.start < k.end && k.start < hit.end);
    if (clash < 0) kept.push(hit);
    else if (PRIORITY[hit.kind] < PRIORITY[kept[clash]!.kind]) kept[clash] = hit;
  }

  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  return kept.map((hit) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= hit.start) lo = mid;
      else hi = mid - 1;
    }
    const match = text.slice(hit.start, hit.end);
    return {
      file,
      line: lo + 1,
      column: hit.start - lineStarts[lo]! + 1,
      kind: hit.kind,
      label: hit.label,
      excerpt: mask(match),
      match,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// The allowlist: findings that are deliberate and public, each with a reason.

export interface PiiAllowEntry {
  /** A path or glob relative to the project root (`*`, `**`, `?`); a folder covers its files. */
  file: string;
  /** The exact text of the finding, or a regular expression written as /…/ (flags i, s, u). */
  match: string;
  kind?: PiiKind;
  reason: string;
}

/** `/…/flags` as a RegExp that must match a whole finding, or undefined for exact text. */
export function allowPattern(match: string): RegExp | undefined {
  const m = /^\/(.+)\/([isu]*)$/s.exec(match);
  return m ? new RegExp(`^(?:${m[1]})$`, m[2]) : undefined;
}

/** A glob relative to the project root as a RegExp; matching a folder also matches what is in it. */
export function globToRegExp(glob: string): RegExp {
  const normalised = glob.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
  let source = '';
  for (let i = 0; i < normalised.length; i++) {
    const c = normalised[i]!;
    if (c === '*' && normalised[i + 1] === '*') {
      // `**/` is zero or more folders; a final `**` is anything.
      if (normalised[i + 2] === '/') {
        source += '(?:.*/)?';
        i += 2;
      } else {
        source += '.*';
        i += 1;
      }
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}(?:/.*)?$`);
}

/**
 * Applies allowlist entries to findings and remembers which entries were used, so the ones that
 * allow nothing can be reported as stale once every file has been scanned.
 */
export function piiAllowlist(entries: readonly PiiAllowEntry[]) {
  const compiled = entries.map((entry) => ({
    entry,
    file: globToRegExp(entry.file),
    pattern: allowPattern(entry.match),
  }));
  const used = new Set<number>();
  const allows = (c: (typeof compiled)[number], f: PiiFinding) =>
    (c.entry.kind === undefined || c.entry.kind === f.kind) &&
    c.file.test(f.file.replace(/\\/g, '/')) &&
    (c.pattern ? c.pattern.test(f.match) : c.entry.match === f.match);
  return {
    /** The findings no entry allows. */
    filter(findings: readonly PiiFinding[]): PiiFinding[] {
      return findings.filter((finding) => {
        let allowed = false;
        compiled.forEach((c, i) => {
          if (allows(c, finding)) {
            used.add(i);
            allowed = true;
          }
        });
        return !allowed;
      });
    },
    /** Indexes of the entries that have allowed nothing so far. */
    stale(): number[] {
      return compiled.flatMap((_, i) => (used.has(i) ? [] : [i]));
    },
  };
}
