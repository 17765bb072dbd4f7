#!/usr/bin/env node
// The `aftermath` command (src/cli/aftermath.ts). Like the integration (../index.js), it runs
// compiled from lib/ in an installed package and from its TypeScript source in a checkout.
import { existsSync } from 'node:fs';

const compiled = new URL('../lib/cli/aftermath.js', import.meta.url);
const source = new URL('../src/cli/aftermath.ts', import.meta.url);
await import(existsSync(compiled) ? compiled.href : source.href);
