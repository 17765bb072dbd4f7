/**
 * Ends `astro build` (or `astro sync`, `astro check`) on bad content with Aftermath's own
 * message and nothing else. An error thrown from an integration hook reaches the author wrapped
 * in Astro's "An unhandled error occurred while running the … hook" and a "Stack trace:"
 * heading; the message already says what is wrong and where, so it is printed as it is.
 */
import type { AstroIntegrationLogger } from 'astro';

export function stopWith(logger: AstroIntegrationLogger, message: string): never {
  logger.error(message);
  process.exit(1);
}
