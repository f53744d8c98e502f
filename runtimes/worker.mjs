/**
 * workerd entry (bundled by esbuild, run with no compatibility flags: no Node API at all).
 * `POST /` with `{ "oracle": "<url>" }` runs the quickstart and answers its JSON result.
 */
import { quickstart } from './quickstart.mjs';

export default {
  async fetch(request) {
    if (request.method !== 'POST') return new Response('polybank runtime matrix worker\n');
    const { oracle } = await request.json();
    try {
      return Response.json(await quickstart(oracle));
    } catch (error) {
      return Response.json({ crash: { name: error?.name, message: String(error?.message ?? error), stack: String(error?.stack ?? '') } }, { status: 500 });
    }
  },
};
