import { describe, expect, it } from 'vitest';
import { OptionsError, resolveOptions } from '../../src/schemas/options.ts';

const mistake = (options: unknown) => {
  try {
    resolveOptions(options);
  } catch (error) {
    expect(error).toBeInstanceOf(OptionsError);
    return (error as Error).message.split('\n').slice(1);
  }
  throw new Error('expected the options to be refused');
};

const perl = { label: 'Perl', command: 'perl', versionArgs: ['-e', 'print $^V'] };
const server = { command: 'redis-server', args: ['--port', '{port}'] };

describe('the names a site gives its own components, services and runtimes', () => {
  it('are said at the name when they break the rule or take one of Aftermath’s', () => {
    expect(
      mistake({
        mdxComponents: { alert: { component: 'src/Alert.astro' } },
        services: { redis: server, Web: server },
        runtimes: { node: perl },
      }),
    ).toEqual([
      `  mdxComponents.alert: a component's name starts with a capital letter, e.g. Alert; found "alert"`,
      `  services.redis: "redis" is one of Aftermath's own (redis, redis-cluster, latency-proxy): choose another name`,
      `  services.Web: a service's name is lower case letters, digits and "-", e.g. postgres; found "Web"`,
      `  runtimes.node: "node" is one of Aftermath's own (python, node): choose another name`,
    ]);
  });

  it('keep their declarations, with defaults filled in', () => {
    const options = resolveOptions({ services: { cache: server }, runtimes: { perl } });
    expect(options.runtimes.perl).toEqual({ ...perl, args: ['{entry}'], highlight: 'text' });
    expect(options.services.cache).toMatchObject({ command: 'redis-server', ready: { port: true }, env: {} });
  });
});
