import { describe, expect, it } from 'vitest';
import { EDGE_BUDGET_BYTES, edgeBundle, type EdgeBundle } from '../../scripts/edge-bundle.mjs';
import { providerIds } from '../../scripts/entries.mjs';

/**
 * The edge budget of #16: an edge worker's bundle of polybank with one provider (`new
 * Polybank({ providers: [<id>()] })`, a connect with its challenge loop, `accounts()`), every
 * dependency inside (zod, eventemitter3), minified and gzipped. #16's target is 40 KB; the
 * budget held here is the size reached plus a little room (EDGE_BUDGET_BYTES), so that no
 * change grows it unseen. BENCHMARKS.md reports it against the target.
 * Built from the sources with esbuild, as `npm run bench` does (its figure from dist agrees).
 */
const KB = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
const summary = (b: EdgeBundle): string => `${b.provider}: ${KB(b.gzip)} gzip (${KB(b.minified)} minified; ${b.groups.map((g) => `${g.group} ${KB(g.bytes)}`).join(', ')})`;

describe('the edge bundle of polybank + one provider, every dependency included', () => {
  for (const id of providerIds()) {
    describe(id, () => {
      let bundle: EdgeBundle;
      const built = async (): Promise<EdgeBundle> => (bundle ??= await edgeBundle(id));

      it('holds every dependency and only this provider: nothing left out to make the budget', async () => {
        const b = await built();
        const groups = b.groups.map((g) => g.group);
        expect(groups).toEqual(expect.arrayContaining(['zod', 'eventemitter3', 'polybank core', `provider (${id})`]));
        expect(groups.filter((g) => g.startsWith('other provider') || g.startsWith('testing'))).toEqual([]);
        // An edge runtime has no Node built-ins.
        expect(b.nodeImports).toEqual([]);
      });

      it(`is at most ${KB(EDGE_BUDGET_BYTES)} minified + gzip`, async () => {
        const b = await built();
        expect(b.gzip, summary(b)).toBeLessThanOrEqual(EDGE_BUDGET_BYTES);
      });
    });
  }
});
