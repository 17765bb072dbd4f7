/**
 * A command's own arguments, read the same way by every command: Node's `parseArgs` with
 * `--help` (`-h`) added, which prints the command's usage instead of running it. An option the
 * command does not have is left to `parseArgs`' error, which src/cli/aftermath.ts says in one
 * line with the way to the command's help (exit code 2).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** The parsed command line, or undefined when it asked for help (the usage is printed). */
export function readCommandLine<const T extends ParseArgsConfig>(
  usage: string,
  config: T,
): ReturnType<typeof parseArgs<T>> | undefined {
  const parsed = parseArgs({ ...config, options: { ...config.options, help: { type: 'boolean', short: 'h' } } });
  if ((parsed.values as { help?: boolean }).help) {
    console.log(usage.trimEnd());
    return undefined;
  }
  return parsed as ReturnType<typeof parseArgs<T>>;
}
