/**
 * Node, Bun and Deno entry: `<runtime> cli.mjs <oracle-url>` runs the quickstart and prints
 * one line, `POLYBANK_RESULT <json>`, for the runner.
 */
/* eslint-disable no-console -- the result goes to stdout for the runner */
import { quickstart } from './quickstart.mjs';

const args = globalThis.Deno?.args ?? globalThis.process?.argv.slice(2) ?? [];
const oracle = args[0];
if (!oracle) throw new Error('usage: cli.mjs <oracle-url>');
// The runtime's own object formatter: what console.log shows of the SDK's objects.
const inspect = globalThis.Deno?.inspect ?? globalThis.Bun?.inspect ?? (await import('node:util')).inspect;
const result = await quickstart(oracle, { inspect });
// Where `polybank` was loaded from: the built package (dist/), not the sources.
result.resolved = import.meta.resolve('polybank');
console.log(`POLYBANK_RESULT ${JSON.stringify(result)}`);
