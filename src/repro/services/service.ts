/**
 * What a service is to the runner, in one place: started for one matrix cell on loopback, the
 * variables that tell the snippet where it is, how a proxy in front of it shows its traffic, and
 * how it stops. Aftermath's own are one module each and one line of ./registry.ts; a service
 * declared by command (in repro.yaml or the site's config) is made into one by ./cell-services.ts.
 */
import type { WireDecoderName } from '../../schemas/repro.ts';
import type { CommandService } from './command-service.ts';

export interface ServiceStart {
  env: NodeJS.ProcessEnv;
  /** The cell's parameter values (placeholders of a service by command). */
  parameters: Record<string, string>;
  /** For a service that tells clients its own address: the port to announce (a proxy's). */
  announcePort?: number;
}

export interface StartedService {
  name: string;
  host: string;
  /** Where a client, or a proxy in front of it, connects. */
  port: number;
  /** Variables for the snippet; `clientPort` is the proxy's when one fronts the service. */
  env(clientPort?: number): Record<string, string>;
  /** The server's own version, for the record (redis-server's). */
  serverVersion?: string;
  /** How a proxy's trace shows its traffic. */
  decoder: WireDecoderName;
  /** The server as started by command, for a service declared by command. */
  command?: CommandService;
  /** Stops the server and removes its folder. Safe to call twice. */
  stop(): Promise<void>;
}

export interface ServiceDefinition {
  name: string;
  /**
   * The server tells clients where to find it (a cluster's CLUSTER SLOTS), so a client would go
   * past a proxy: behind one, it is started announcing the proxy's port, chosen first.
   */
  announcesAddress?: boolean;
  start(options: ServiceStart): Promise<StartedService>;
}
