/**
 * A runtime a site declares in its config (`aftermath({ runtimes })`): its interpreter run with
 * the entry file, as it is. It installs no package versions and lists none: its repros run
 * `installed`, the interpreter and whatever the machine has.
 */
import { join } from 'node:path';
import type { SiteRuntimeManifest } from '../../schemas/repro.ts';
import { VersionListingError, type RuntimeDriver } from './driver.ts';

export function commandRuntime(name: string, spec: SiteRuntimeManifest): RuntimeDriver {
  const none = `the site's runtime "${name}" installs no package versions (its repros run installed)`;
  return {
    defaultInterpreter: () => spec.command,
    versionArgs: spec.versionArgs,
    spec: (pkg, version) => `${pkg} ${version}`,
    install: async () => none,
    listVersions: async () => {
      throw new VersionListingError(none);
    },
    pinned: (_dir, interpreter) => ({ interpreter }),
    command: (environment, reproDir, entry, env) => ({
      command: environment.interpreter,
      args: spec.args.map((arg) => arg.replaceAll('{entry}', join(reproDir, entry))),
      cwd: reproDir,
      env: { ...env },
    }),
  };
}
