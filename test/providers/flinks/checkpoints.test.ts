/**
 * Checkpoint size (issue #14, item 9): every large value once. The simulator's Laurentienne
 * images are real pictures of realistic size (16 × ~2.7 KB of base64); the pending challenge
 * holds them, the adapter state only what answering needs (keys, offered strings).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Challenge } from '../../../src/index.js';
import { LAURENTIENNE_IMAGES, drivers } from '../../../src/testing/index.js';
import { PASSWORD, answerRightly, bodies, startFlinks, type FlinksRig } from './support.js';

let rig: FlinksRig;
beforeAll(async () => {
  rig = await startFlinks();
});
afterAll(async () => {
  await rig.server.close();
});
beforeEach(() => {
  rig.sim.reset();
});

const KEY = 'a-checkpoint-signing-key-of-32-bytes!';
const BUDGET = 64 * 1024;

const occurrences = (text: string, needle: string): number => text.split(needle).length - 1;

describe('checkpoints stay small', () => {
  it('at the image step: under 64 KB, each of the 16 images stored once', async () => {
    const images = LAURENTIENNE_IMAGES.reduce((sum, image) => sum + image.length, 0);
    // Realistic pictures: together they are most of the budget, so storing them twice cannot fit.
    expect(images).toBeGreaterThan(BUDGET / 2);
    const conn = rig.bank({ checkpoints: { signingKey: KEY } }).connect('flinks', { institution: 'Laurentienne', username: 'laurentienne_image', password: PASSWORD });
    let text = '';
    for await (const c of conn.authenticate()) {
      if (c.type === 'choice') {
        text = JSON.stringify(await conn.checkpoint());
        break;
      }
      answerRightly(c);
    }
    expect(text.length).toBeGreaterThan(images);
    expect(text.length).toBeLessThan(BUDGET);
    for (const image of LAURENTIENNE_IMAGES) expect(occurrences(text, image)).toBe(1);

    // And the resumed step still answers with the exact string Flinks offered.
    const resumed = await rig.bank({ checkpoints: { signingKey: KEY } }).resume(JSON.parse(text) as never);
    for await (const c of resumed.authenticate()) answerRightly(c);
    expect(resumed.status.status).toBe('active');
    expect((bodies(rig.sim).at(-1) as { SecurityResponses: Record<string, string[]> }).SecurityResponses).toEqual({ 'Select an image': [LAURENTIENNE_IMAGES[5]] });
  });

  it('an image offered as a data: URL is sent back exactly as offered after a resume', async () => {
    const dataUrl = (i: number): string => `data:image/gif;base64,${LAURENTIENNE_IMAGES[i] as string}`;
    rig.sim.state.scenarios['laurentienne/data_url'] = {
      institution: 'Laurentienne',
      steps: [[{ Type: 'ImageSelection', Prompt: 'Select an image', Iterables: LAURENTIENNE_IMAGES.map((_, i) => dataUrl(i)) }]],
    };
    rig.sim.state.imageIndex = 3;
    const conn = rig.bank({ checkpoints: { signingKey: KEY } }).connect('flinks', { institution: 'Laurentienne', username: 'data_url', password: PASSWORD });
    let text = '';
    for await (const c of conn.authenticate()) {
      expect(c).toMatchObject({ type: 'choice', kind: 'image' });
      if (c.type === 'choice') expect(c.options[3]?.image).toEqual({ mediaType: 'image/gif', data: LAURENTIENNE_IMAGES[3] });
      text = JSON.stringify(await conn.checkpoint());
      break;
    }
    expect(text.length).toBeLessThan(BUDGET);
    const resumed = await rig.bank({ checkpoints: { signingKey: KEY } }).resume(JSON.parse(text) as never);
    for await (const c of resumed.authenticate()) if (c.type === 'choice') c.answer({ selected: 'o4' });
    expect(resumed.status.status).toBe('active');
    expect(bodies(rig.sim).at(-1)).toMatchObject({ SecurityResponses: { 'Select an image': [dataUrl(3)] } });
  });

  it('the largest checkpoint of every scenario fits the budget', async () => {
    const driver = drivers.flinks;
    const largest: Record<string, number> = {};
    for (const scenario of driver.scenarios.filter((s) => s.outcome === 'active')) {
      rig.sim.reset();
      const conn = rig.bank({ checkpoints: { signingKey: KEY } }).connect('flinks', scenario.input as never);
      let max = 0;
      for await (const c of conn.authenticate()) {
        max = Math.max(max, JSON.stringify(await conn.checkpoint()).length);
        const answer = await driver.answer(c as Challenge, rig.sim as never, scenario as never);
        if (answer !== undefined) (c as { answer: (a: unknown) => void }).answer(answer);
      }
      expect(conn.status.status, scenario.name).toBe('active');
      max = Math.max(max, JSON.stringify(await conn.checkpoint()).length);
      largest[scenario.name] = max;
    }
    expect(Object.keys(largest).length).toBeGreaterThanOrEqual(10);
    for (const [name, size] of Object.entries(largest)) expect(size, name).toBeLessThan(BUDGET);
    // The image step is the largest by far, and still fits.
    expect(Math.max(...Object.values(largest))).toBe(largest.laurentienne_image);
  });
});
