/**
 * `npm run example:web`: the web example on http://127.0.0.1:8080 (PORT to change it), in
 * front of the four bundled provider simulators. Open it, pick a provider and a case, and
 * link a bank through every kind of challenge.
 */
import { startWebExample } from './app.js';

const example = await startWebExample({ port: Number(process.env.PORT ?? 8080) });
console.log(`polybank web example: ${example.url}  (Ctrl-C to stop)`);

const stop = (): void => {
  example.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
