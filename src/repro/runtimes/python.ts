/**
 * Python repros: a venv per pinned version, filled by pip with the user's own pip configuration
 * (PIP_INDEX_URL, PIP_FIND_LINKS, PIP_NO_INDEX, pip.conf), and pip's installation report as the
 * record of where each package came from.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InstalledPackage } from '../../schemas/repro-results.ts';
import { makeTempDir } from '../cleanup.ts';
import { runSupervised } from '../process.ts';
import { lastLine, packageSource, VersionListingError, type RuntimeDriver, type VersionListing } from './driver.ts';

export const python: RuntimeDriver = {
  listVersions: listWithPip,
  defaultInterpreter: () => 'python3',
  versionArgs: ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3])'],
  spec: (pkg, version) => `${pkg}==${version}`,
  async install({ interpreter, dir, pkg, version, env, timeoutMs }) {
    const venv = await runSupervised(interpreter, ['-m', 'venv', dir], { env, timeoutMs });
    if (venv.exitCode !== 0) {
      return `could not create a venv with ${interpreter} (${lastLine(venv.stderr + venv.stdout) || `exit ${venv.exitCode}`}); on Debian: apt-get install python3-venv`;
    }
    // No index flags of our own: pip reads PIP_INDEX_URL, PIP_FIND_LINKS, PIP_NO_INDEX and its
    // config files itself, and an explicit flag here would silently override the user's setup.
    // --report: pip's own account of each file it installed (URL and hash), for the recording.
    const report = join(dir, 'pip-report.json');
    const pip = await runSupervised(
      join(dir, 'bin', 'python'),
      ['-m', 'pip', 'install', '--disable-pip-version-check', '--report', report, `${pkg}==${version}`],
      { env, timeoutMs },
    );
    if (pip.exitCode !== 0)
      return `pip could not install ${pkg}==${version}: ${pipProblem(pip.stdout + pip.stderr, pip.timedOut, env)}`;
    try {
      return packagesFromPipReport(JSON.parse(readFileSync(report, 'utf8')));
    } catch {
      return []; // an older pip without --report would have failed above; a missing file proves nothing
    }
  },
  pinned: (dir) => ({ interpreter: join(dir, 'bin', 'python') }),
  command(environment, reproDir, entry, baseEnv) {
    const env: NodeJS.ProcessEnv = { ...baseEnv, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' }; // last lines of a killed snippet still arrive; no __pycache__ in content
    if (environment.dir) {
      // These would point the venv's interpreter at other packages than the pinned one.
      delete env.PYTHONPATH;
      delete env.PYTHONHOME;
    }
    return { command: environment.interpreter, args: [join(reproDir, entry)], cwd: reproDir, env };
  },
};

/** The packages of a `pip install --report` document (pip >= 22.2), in install order. */
export function packagesFromPipReport(report: unknown): InstalledPackage[] {
  const items = (report as { install?: unknown[] } | null)?.install;
  if (!Array.isArray(items)) return [];
  return items.flatMap((item) => {
    const { metadata, download_info: info } = item as {
      metadata?: { name?: string; version?: string };
      download_info?: { url?: string; archive_info?: { hash?: string; hashes?: Record<string, string> } };
    };
    if (!metadata?.name || !metadata.version || !info?.url) return [];
    const archive = info.archive_info;
    const sha256 =
      archive?.hashes?.sha256 ?? (archive?.hash?.startsWith('sha256=') ? archive.hash.slice('sha256='.length) : null);
    return [{ name: metadata.name, version: metadata.version, source: packageSource(info.url), sha256 }];
  });
}

/** Why pip failed, in words, followed by pip's own last error line. */
export function pipProblem(output: string, timedOut: boolean, env: NodeJS.ProcessEnv = {}): string {
  if (timedOut) return 'timed out';
  const errors = output.split('\n').filter((l) => /^ERROR:/.test(l.trim()));
  const last = (errors.at(-1) ?? lastLine(output)).trim();
  let what = 'failed';
  const unreachable =
    /Failed to establish a new connection|Name or service not known|Temporary failure in name resolution|Network is unreachable|ProxyError|Max retries exceeded/i.test(
      output,
    );
  const missing = /No matching distribution|Could not find a version/i.test(output);
  // pip tries every configured index; one can be unreachable while another answers without the version.
  const sawVersions = missing && !/from versions: none/.test(output);
  if (unreachable && sawVersions)
    what = 'not on any index that answered, and at least one configured index was unreachable';
  else if (unreachable) what = 'no index reachable';
  else if (missing)
    what =
      env.PIP_NO_INDEX && !/^(0|false|no|off)$/i.test(env.PIP_NO_INDEX)
        ? 'not in the find-links folders (PIP_NO_INDEX is set)'
        : 'no such version on the index';
  return `${what} (${last})`;
}

/**
 * The versions pip lists (`pip index versions`, honouring PIP_INDEX_URL, PIP_FIND_LINKS,
 * PIP_NO_INDEX and pip.conf exactly as the installs do), run from a throwaway venv of
 * `interpreter`: a system Python may have no pip of its own; a venv always has one.
 */
async function listWithPip(
  pkg: string,
  interpreter: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<VersionListing> {
  const temp = makeTempDir('run');
  try {
    const venv = await runSupervised(interpreter, ['-m', 'venv', temp.dir], { env, timeoutMs });
    if (venv.exitCode !== 0)
      throw new VersionListingError(
        `could not create a venv with ${interpreter} to list ${pkg}'s versions (${lastLine(venv.stderr + venv.stdout) || `exit ${venv.exitCode}`}); on Debian: apt-get install python3-venv`,
      );
    const args = ['-m', 'pip', 'index', 'versions', '--disable-pip-version-check', pkg];
    const listed = await runSupervised(join(temp.dir, 'bin', 'python'), args, { env, timeoutMs });
    const versions = listed.exitCode === 0 ? parsePipIndexVersions(listed.stdout) : undefined;
    if (!versions)
      throw new VersionListingError(
        `pip could not list the versions of ${pkg}: ${pipProblem(listed.stdout + listed.stderr, listed.timedOut, env)}`,
      );
    return { versions, listedBy: `pip index versions ${pkg}` };
  } finally {
    temp.remove();
  }
}

/** The versions pip lists for `pkg`, from a line `Available versions: 4.5.5, 4.5.4, …`. */
export function parsePipIndexVersions(output: string): string[] | undefined {
  const line = output.split('\n').find((l) => l.startsWith('Available versions:'));
  return line
    ?.slice('Available versions:'.length)
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}
