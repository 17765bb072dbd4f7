/**
 * The PII lint's scanner: every kind it must find, and the things a postmortem is full of that it
 * must not (taken from the bundled incident), plus masking, Luhn and the allowlist.
 *
 * Token fixtures are assembled at run time (`'gh' + 'p_'…`), so this file itself does not look
 * like it leaks secrets to the lint or to a code host's secret scanning.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openIncidentFolder } from '../../src/archive/incident-folder.ts';
import { incidentContentFiles } from '../../src/archive/pii-scan.ts';
import {
  allowPattern,
  entropy,
  globToRegExp,
  luhnValid,
  mask,
  piiAllowlist,
  scanText,
  type PiiAllowEntry,
  type PiiFinding,
} from '../../src/domain/pii.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const FLAGSHIP = 'content/incidents/2023-03-20-chatgpt-redis-py';

/** `[kind, matched text]` of every finding in `text`. */
const found = (text: string) => scanText(text, 'f.mdx').map((f) => [f.kind, f.match]);

// Assembled, never written whole in this file.
const GITHUB = ['gh', 'p_', 'R8x2Kq9ZtY4mN7pL1vB3cD6fG0hJ5sW2aQ8e'].join('');
const GITHUB_PAT = ['github', '_pat_', '11ABCDEFG0aBcDeFgHiJkL_mNoPqRsTuVwXyZ0123456789abcdefghijKLMNOPQRSTU'].join('');
const AWS = ['AK', 'IA', 'Z7Q4XK2M9PLR3TYV'].join('');
const SLACK = ['xo', 'xb-', '2384712093-9081726354-Zq8RtY2uVw4XkL0pNs6Mb1Cd'].join('');
const STRIPE = ['sk', '_live_', '51HqZt2eZvKYlo2C9x7Rw3Lp'].join('');
const GOOGLE = ['AI', 'za', 'SyD4k9Xw2Lm7Qp1Vb8Nz3Tr6Yh0Jc5Gf-_e'].join('');
const OPENAI = ['sk', '-proj-', 'Xq7Lm2Pz9Rt4Vw8Ns1Bk6Hd3Fj0Gc5Ya'].join('');
// The example token of jwt.io.
const JWT = [
  'ey',
  'JhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9',
  '.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ',
  '.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
].join('');
const PRIVATE_KEY = ['-----BEGIN RSA ', 'PRIVATE KEY-----'].join('');
const RANDOM = ['q8Zr3VtX', '9mK2pL7wN4bY6cH1'].join('');

describe('mask', () => {
  it('shows the first 4 and last 2 characters of a long finding', () => {
    expect(mask(GITHUB)).toBe('ghp_…8e');
    expect(mask('4111 1111 1111 1111')).toBe('4111…11');
    expect(mask('jane.doe@acme-corp.com')).toBe('jane…om');
  });

  it('shows less of a short one, and never the whole of it', () => {
    expect(mask('a@b.io')).toBe('a@…o');
    expect(mask('abcde')).toBe('a…');
    expect(mask('x')).toBe('x…');
  });

  it('counts characters, not UTF-16 units', () => {
    expect(mask('ü'.repeat(12))).toBe('üüüü…üü');
  });

  it('is what every finding carries as its excerpt', () => {
    const [finding] = scanText(`token: ${GITHUB}`, 'f');
    expect(finding!.excerpt).toBe('ghp_…8e');
    expect(finding!.excerpt).not.toContain(GITHUB.slice(4, -2));
  });
});

describe('luhnValid', () => {
  it('accepts card numbers and refuses one digit off', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('5555555555554444')).toBe(true);
    expect(luhnValid('378282246310005')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('4111 1111')).toBe(false);
  });
});

describe('scanText: email addresses', () => {
  it('finds an address with its line and column', () => {
    expect(scanText('# Contacts\n\nWrite to jane.doe@acme-corp.com today.\n', 'content/x/index.mdx')).toEqual([
      {
        file: 'content/x/index.mdx',
        line: 3,
        column: 10,
        kind: 'email',
        label: 'an email address',
        excerpt: 'jane…om',
        match: 'jane.doe@acme-corp.com',
      },
    ]);
  });

  it('finds addresses in mailto links, YAML and after a JSON \\n escape', () => {
    expect(found('[mail](mailto:ops+oncall@acme.io)')).toEqual([['email', 'ops+oncall@acme.io']]);
    expect(found('author: "Jo Doe <jo@acme.co.uk>"')).toEqual([['email', 'jo@acme.co.uk']]);
    expect(found('"stdout": "sent\\njo@acme.com\\n"')).toEqual([['email', 'jo@acme.com']]);
  });

  it('ignores URL paths, SSH remotes, package versions, scopes, retina images and example domains', () => {
    for (const text of [
      'https://medium.com/@sama/some-post',
      'https://github.com/redis/redis-py/issues/2624',
      'https://user@example.org/x',
      'git clone git@github.com:redis/redis-py.git',
      'pip install redis@4.5.5 or npm i redis@latest',
      'import mdx from "@astrojs/mdx";',
      '![logo](logo@2x.png)',
      'Send it to ops@example.com or a@b.test',
      'client.set("owner:alice", "alice-data")',
    ]) {
      expect(found(text), text).toEqual([]);
    }
  });
});

describe('scanText: payment card numbers', () => {
  it('finds Luhn-valid numbers written together or in groups', () => {
    expect(found('card 4111 1111 1111 1111 was charged')).toEqual([['card', '4111 1111 1111 1111']]);
    expect(found('card 4111-1111-1111-1111.')).toEqual([['card', '4111-1111-1111-1111']]);
    expect(found('{"pan":"4111111111111111"}')).toEqual([['card', '4111111111111111']]);
    expect(found('Amex 3782 822463 10005')).toEqual([['card', '3782 822463 10005']]);
    expect(found('MC 5555 5555 5555 4444, exp 12/29')).toEqual([['card', '5555 5555 5555 4444']]);
    expect(found('order 12 4111 1111 1111 1111')).toEqual([['card', '4111 1111 1111 1111']]);
  });

  it('names the network and the Luhn check, and masks the number', () => {
    const [finding] = scanText('pan: 4111 1111 1111 1111', 'f');
    expect(finding).toMatchObject({
      kind: 'card',
      label: 'a payment card number (Visa, passes the Luhn check)',
      excerpt: '4111…11',
      column: 6,
    });
  });

  it('does not fire on a number that fails Luhn', () => {
    expect(found('card 4111 1111 1111 1112')).toEqual([]);
    expect(found('4111111111111112')).toEqual([]);
  });

  it('does not fire on ids, hashes, mixed separators or numbers no card network issues', () => {
    for (const text of [
      // A Luhn-valid 16-digit number in a tweet URL, and a snowflake id outside one.
      'https://twitter.com/sama/status/4111111111111111',
      'post 1638635717462200320 decoded',
      // Luhn-valid, but starts with 1, 7, 8, 9 or 0: no card network.
      '1000000000000007 and 7000000000000003',
      // Glued to hex: part of a SHA.
      'merge_commit: 4111111111111111ab4c9e0f',
      // Mixed or odd grouping: dates and times in a row.
      '2023-03-20 2023-03-21 2023',
      '4111 1111-1111 1111',
      '41 1111 1111 1111 11',
      // Decimals and longer dotted numbers.
      '0.4111111111111111 and 4111111111111111.5 and v4111.1111.1111.1111',
      // An issue number and a negative number.
      '#4111111111111111 -4111111111111111',
    ]) {
      expect(found(text), text).toEqual([]);
    }
  });
});

describe('scanText: API tokens and private keys', () => {
  it.each([
    ['a GitHub token', `export GH=${GITHUB}`, GITHUB],
    ['a GitHub fine-grained token', `token ${GITHUB_PAT}`, GITHUB_PAT],
    ['an AWS access key id', `aws_access_key_id = ${AWS}`, AWS],
    ['a Slack token', `SLACK=${SLACK}`, SLACK],
    ['a Stripe live key', `Stripe: ${STRIPE}`, STRIPE],
    ['a Google API key', `?key=${GOOGLE}&q=1`, GOOGLE],
    ['an OpenAI API key', `OPENAI ${OPENAI}`, OPENAI],
    ['a JSON Web Token', `Cookie: session=${JWT}`, JWT],
    ['a private key', `${PRIVATE_KEY}\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----`, PRIVATE_KEY],
  ])('%s', (label, text, token) => {
    const findings = scanText(text, 'f');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ kind: 'token', label, match: token });
  });

  it('finds a token inside a URL (a leak there too)', () => {
    expect(found(`https://api.example.net/v1?access=${GITHUB}`)).toEqual([['token', GITHUB]]);
  });

  it('finds a random-looking value assigned to a key named like a secret', () => {
    expect(found(`api_key: "${RANDOM}"`)).toEqual([['token', RANDOM]]);
    expect(found(`{ "client_secret": "${RANDOM}" }`)).toEqual([['token', RANDOM]]);
    expect(found(`DB_PASSWORD=${RANDOM}`)).toEqual([['token', RANDOM]]);
    expect(found(`headers = {"Authorization": "Bearer ${RANDOM}"}`)).toEqual([['token', RANDOM]]);
    const [finding] = scanText(`  apiKey: '${RANDOM}'`, 'f');
    expect(finding).toMatchObject({ label: 'a secret assigned to "apiKey"', column: 12, excerpt: 'q8Zr…H1' });
  });

  it('reports a token once, by its most specific rule', () => {
    expect(scanText(`GITHUB_TOKEN: ${GITHUB}`, 'f').map((f) => f.label)).toEqual(['a GitHub token']);
  });

  it('does not fire on SHAs, digests, placeholders, references or ordinary words', () => {
    for (const text of [
      'merge_commit: 9fe836698ca5930e39633b86839b6c1bae07237e',
      'sha: 66a4d6b2a493dd3a20cc299ab5fef3c14baad965',
      '"sourcesHash": "sha256:d70dbb4c5cdbe65222fc68fe3206a23f7c83afb33e9d7ce750a52911f7fca3d0"',
      'token: sha256:d70dbb4c5cdbe65222fc68fe3206a23f7c83afb33e9d7ce750a52911f7fca3d0',
      'secret_hash: 471b4c684fe00a7b58729045e6b723a5262fb14f89d3dde9fc026d6d2a037d29',
      'api_key: ${API_KEY}',
      'token = os.environ["GITHUB_TOKEN"]',
      'password: process.env.DATABASE_PASSWORD',
      'api_key: your-api-key-goes-here-1234',
      'token: xxxxxxxxxxxxxxxxxxxxxxxxxxxx',
      'token_path: /var/run/secrets/kubernetes.io/serviceaccount/token1',
      'max_tokens: 4096',
      'The token expired, so the job failed; the secret was rotated.',
      'a task-scheduler-for-long-running-background-jobs-in-the-queue',
      `aws docs use ${['AK', 'IA'].join('')}IOSFODNN7EXAMPLE`,
      'GHSA-24wv-mv5m-xv4h and PYSEC-2023-45',
      'ghp_short',
    ]) {
      expect(found(text), text).toEqual([]);
    }
  });
});

describe('scanText: phone numbers', () => {
  it.each([
    '+1 415 555 0100',
    '+1 (415) 555-0100',
    '+1-415-555-0100',
    '+1.415.555.0100',
    '+14155550100',
    '+44 20 7946 0958',
    '+44 (0)20 7946 0958',
    '+33 6 12 34 56 78',
    '+49 30 12345678',
    '(415) 555-0100',
    '415-555-0100',
    '415.555.0100',
    '1-800-555-0100',
    '020 7946 0958',
    '030-12345678',
    '(030) 1234567',
    '06 12 34 56 78',
    '06.12.34.56.78',
  ])('%s', (phone) => {
    expect(found(`Call the on-call phone ${phone}, or page them.`)).toEqual([['phone', phone]]);
  });

  it('finds a phone number at its line and column', () => {
    expect(
      scanText('- at: "2024-06-02T09:15:00+02:00"\n  body: Jo (+1 415 555 0100) paged the team\n', 'f'),
    ).toMatchObject([{ line: 2, column: 13, kind: 'phone', label: 'a phone number', excerpt: '+1 4…00' }]);
  });

  it('does not fire on dates, times, offsets, versions, decimals, ids and counts', () => {
    for (const text of [
      '2023-03-20T01:00:00-07:00 and 2022-09-29T11:03:54Z and 2026-11-22T06:55:04.761Z',
      'offset +02:00, UTC+3, +0000, from 01:00 to 10:00, 21:54 Brasília time (UTC-3)',
      '"2024-06-02" precision: day; 20/03/2023, 03-20-2023',
      'versions: [installed, 4.3.4, 4.4.0, 4.5.1, 4.5.3, 4.5.4, 4.5.5]',
      'tags v4.4.0rc2 and 10.100.200.1000 and 1.2.3.4',
      'SLEEP: [0.001, 0.0001, 0.00001, 0.000001]',
      '+1.2% more and +100 ms and +3.7',
      'issues #2624, #2641 and #2665; PR 2104',
      'https://twitter.com/sama/status/1638635717462200320',
      'https://example.com/orders/020-7946-0958/',
      'CVE-2023-28858 and CVE-2023-28859',
      'PORT = int(os.environ.get("REDIS_PORT", "6379"))',
      '0x0010: 00 00 00 28 58 00 01',
      '00 00 00 00 00',
      '4155550100 has no separators',
    ]) {
      expect(found(text), text).toEqual([]);
    }
  });
});

describe('scanText: the bundled incident', () => {
  it.each([
    [
      'timestamps',
      'started: "2023-03-20T01:00:00-07:00"\nmerged: "2022-09-29T11:03:54Z"\n"recordedAt": "2026-11-22T06:55:04.761Z"',
    ],
    ['commit SHAs', 'merge_commit: 9fe836698ca5930e39633b86839b6c1bae07237e'],
    ['sha256 hashes', '"sourcesHash": "sha256:d70dbb4c5cdbe65222fc68fe3206a23f7c83afb33e9d7ce750a52911f7fca3d0",'],
    ['CVE and GHSA ids', '| CVE-2023-28858 (GHSA-24wv-mv5m-xv4h) | aliases: [GHSA-8fww-64cx-x8p5, PYSEC-2023-46]'],
    ['a tweet URL id', 'source: https://twitter.com/sama/status/1638635717462200320'],
    ['version numbers', 'redis-server 7.0.15, Python 3.11.2, "os": "Linux 6.18.44-fc-v657 x64", "node": "v22.23.3"'],
    ['a percentage', 'value: "1.2%"'],
    ['issue numbers', '<Ref to="#2624" /> and https://github.com/redis/redis-py/issues/2624'],
    ['a CVSS vector', 'cvss: "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:N/A:N"'],
    ['durations in results.json', '"t": 120.519, "durationMs": 914,'],
    [
      'the news URL with dates in it',
      'https://epocanegocios.globo.com/tecnologia/noticia/2023/03/bug-faz-chatgpt-expor.ghtml',
    ],
  ])('no finding in %s', (_, text) => {
    expect(found(text)).toEqual([]);
  });

  it('has no finding in any of its files, and scans them quickly', () => {
    const files = incidentContentFiles(openIncidentFolder(ROOT, FLAGSHIP));
    expect(files).toEqual(
      expect.arrayContaining([
        `${FLAGSHIP}/index.mdx`,
        `${FLAGSHIP}/history.yaml`,
        `${FLAGSHIP}/repros/cancel-race/race.py`,
        `${FLAGSHIP}/repros/resp-desync/results.json`,
      ]),
    );
    const texts = files.map((file) => [file, readFileSync(resolve(ROOT, file), 'utf8')] as const);
    scanText(texts[0]![1], texts[0]![0]); // warm up
    const started = performance.now();
    const findings = texts.flatMap(([file, text]) => scanText(text, file));
    const ms = performance.now() - started;
    expect(findings).toEqual([]);
    // About 10 ms on a laptop; generous, so a loaded CI machine does not flake.
    expect(ms).toBeLessThan(1000);
  });
});

describe('the allowlist', () => {
  const finding = (over: Partial<PiiFinding> = {}): PiiFinding => ({
    file: 'content/incidents/2024-06-02-x/index.mdx',
    line: 3,
    column: 1,
    kind: 'email',
    label: 'an email address',
    excerpt: 'supp…om',
    match: 'support@vendor.com',
    ...over,
  });
  const entry = (over: Partial<PiiAllowEntry> = {}): PiiAllowEntry => ({
    file: 'content/incidents/2024-06-02-x/index.mdx',
    match: 'support@vendor.com',
    reason: "the vendor's published support address",
    ...over,
  });

  it('allows a finding by its exact text in its file', () => {
    expect(piiAllowlist([entry()]).filter([finding()])).toEqual([]);
  });

  it('does not allow other text, other files, or another kind', () => {
    const allow = piiAllowlist([entry()]);
    expect(allow.filter([finding({ match: 'sales@vendor.com' })])).toHaveLength(1);
    expect(allow.filter([finding({ file: 'content/incidents/2024-07-01-y/index.mdx' })])).toHaveLength(1);
    expect(piiAllowlist([entry({ kind: 'phone' })]).filter([finding()])).toHaveLength(1);
    expect(piiAllowlist([entry({ kind: 'email' })]).filter([finding()])).toEqual([]);
  });

  it('matches a /regex/ against the whole finding', () => {
    expect(
      piiAllowlist([entry({ match: '/[a-z]+@vendor\\.com/' })]).filter([
        finding(),
        finding({ match: 'sales@vendor.com' }),
      ]),
    ).toEqual([]);
    // Anchored: a pattern for part of the text does not allow all of it.
    expect(piiAllowlist([entry({ match: '/vendor\\.com/' })]).filter([finding()])).toHaveLength(1);
    expect(piiAllowlist([entry({ match: '/SUPPORT@VENDOR\\.COM/i' })]).filter([finding()])).toEqual([]);
  });

  it('matches files by glob, and a folder covers its files', () => {
    const allowedIn = (file: string) => piiAllowlist([entry({ file })]).filter([finding()]).length === 0;
    expect(allowedIn('content/incidents/*/index.mdx')).toBe(true);
    expect(allowedIn('content/incidents/**')).toBe(true);
    expect(allowedIn('content/**/*.mdx')).toBe(true);
    expect(allowedIn('content/incidents/2024-06-02-x')).toBe(true);
    expect(allowedIn('content/incidents/2024-06-02-x/')).toBe(true);
    expect(allowedIn('./content/incidents/2024-06-02-?/index.mdx')).toBe(true);
    expect(allowedIn('content/*.mdx')).toBe(false);
    expect(allowedIn('content/incidents/2024-06-02')).toBe(false);
    expect(allowedIn('content/incidents/*/timeline.yaml')).toBe(false);
  });

  it('reports the entries that allowed nothing as stale', () => {
    const allow = piiAllowlist([entry(), entry({ match: 'old@vendor.com' }), entry({ kind: 'phone' })]);
    expect(allow.stale()).toEqual([0, 1, 2]);
    allow.filter([finding()]);
    expect(allow.stale()).toEqual([1, 2]);
  });

  it('globToRegExp and allowPattern', () => {
    expect(globToRegExp('a/**/b.yaml').test('a/b.yaml')).toBe(true);
    expect(globToRegExp('a/**/b.yaml').test('a/x/y/b.yaml')).toBe(true);
    expect(globToRegExp('a/*.yaml').test('a/x/b.yaml')).toBe(false);
    expect(globToRegExp('a/(b).yaml').test('a/(b).yaml')).toBe(true);
    expect(allowPattern('plain text')).toBeUndefined();
    expect(allowPattern('/a+/i')?.flags).toBe('i');
    expect(() => allowPattern('/a(/')).toThrow();
  });
});

describe('entropy', () => {
  it('is higher for random tokens than for words', () => {
    expect(entropy(RANDOM)).toBeGreaterThan(4);
    expect(entropy('aaaaaaaaaaaaaaaaaaaa')).toBe(0);
  });
});
