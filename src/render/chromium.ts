/**
 * How Aftermath starts Chromium (for Mermaid and browser tests): the system's browser, never a
 * downloaded one, with the background networking that a closed network refuses turned off.
 * When it is missing, callers say so in one line (what is missing, what needs it, how to get
 * it) instead of letting Playwright fail with a stack trace.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const chromiumExecutable = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const chromiumLaunchOptions = {
  executablePath: chromiumExecutable,
  args: [
    '--no-sandbox',
    '--headless',
    '--disable-gpu',
    '--disable-quic',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
};

/**
 * One line when Chromium is not where Aftermath looks for it, else undefined.
 * @param needs what needs it, as a sentence, e.g. "npm run build draws Mermaid diagrams and social cards with it"
 */
export function missingChromium(needs: string): string | undefined {
  if (existsSync(chromiumExecutable)) return undefined;
  const where = process.env.CHROMIUM_PATH
    ? `CHROMIUM_PATH points to ${chromiumExecutable}, which does not exist`
    : `${chromiumExecutable} does not exist`;
  return `Chromium is missing (${where}): ${needs}. Install it with: sudo apt-get install -y chromium fonts-liberation (or set CHROMIUM_PATH to another copy)`;
}

/** Thrown where Chromium would be started but is missing; its message is the whole story. */
export class ChromiumMissingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChromiumMissingError';
    this.stack = message;
  }
}

/** Throws a {@link ChromiumMissingError} when Chromium is missing. */
export function requireChromium(needs: string): void {
  const missing = missingChromium(needs);
  if (missing) throw new ChromiumMissingError(missing);
}

let fonts: string | undefined;
/**
 * The font families the system offers Chromium (fontconfig's list), as one string for cache
 * keys: text drawn before a font was installed (Chinese drawn as empty boxes before Noto CJK, say)
 * is drawn again once it is there.
 */
export function installedFonts(): string {
  if (fonts === undefined) {
    const listed = spawnSync('fc-list', [':', 'family'], { encoding: 'utf8' });
    fonts = listed.status === 0 ? listed.stdout.split('\n').sort().join('\n') : '';
  }
  return fonts;
}
