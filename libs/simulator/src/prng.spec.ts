import { describe, expect, it } from 'vitest';
import { createRng, mixSeed } from './prng';

describe('createRng', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const draw = (seed: number): number[] => {
      const rng = createRng(seed);
      return Array.from({ length: 20 }, () => rng.next());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('stays in range', () => {
    const rng = createRng(7);
    for (let i = 0; i < 10_000; i++) {
      const value = rng.next();
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
      const n = rng.int(3, 5);
      expect(n === 3 || n === 4 || n === 5).toBe(true);
    }
  });

  it('draws Poisson counts with the requested mean', () => {
    const rng = createRng(1);
    let sum = 0;
    for (let i = 0; i < 20_000; i++) sum += rng.poisson(2.5);
    expect(sum / 20_000).toBeCloseTo(2.5, 1);
    expect(rng.poisson(0)).toBe(0);
  });

  it('draws log-normals around the median', () => {
    const rng = createRng(3);
    const values = Array.from({ length: 10_001 }, () => rng.logNormal(300, 0.8)).sort((a, b) => a - b);
    expect(values[5000]).toBeGreaterThan(280);
    expect(values[5000]).toBeLessThan(320);
  });
});

describe('mixSeed', () => {
  it('separates nearby tuples', () => {
    const seeds = new Set<number>();
    for (let a = 0; a < 10; a++) for (let b = 0; b < 10; b++) seeds.add(mixSeed(42, a, b));
    expect(seeds.size).toBe(100);
  });
});
