import { describe, expect, it } from 'vitest';
import { proposeCalibration } from './calibration';
import { SEED_002_CALIBRATION, SEED_002_GRADES } from './fixtures.fixture';

describe('the forced-distribution proposal', () => {
  it('moves the overflow down a grade, best grade first, ties by the tiebreak (checked by hand)', () => {
    // ten agents, four computed A and four B: A may hold ⌊10 % × 10⌋ = 1, B ⌊30 % × 10⌋ = 3
    const people = [
      ['P1', 95, 'A', 0.95],
      ['P2', 95, 'A', 0.97], // ties P1 on total, better CSAT: ranks first
      ['P3', 91, 'A', 0.9],
      ['P4', 90, 'A', 0.9],
      ['P5', 88, 'B', 0.9],
      ['P6', 85, 'B', 0.9],
      ['P7', 84, 'B', 0.9],
      ['P8', 82, 'B', 0.9],
      ['P9', 75, 'C', 0.9],
      ['P10', 60, 'D', 0.9],
    ] as const;
    const proposal = proposeCalibration(
      SEED_002_CALIBRATION,
      SEED_002_GRADES,
      'higher',
      people.map(([entityId, total, grade, tiebreak]) => ({ entityId, total, grade, tiebreak })),
    );
    expect(proposal.violated).toBe(true);
    expect(proposal.limits).toEqual([
      { grade: 'A', atMost: 0.1, allowed: 1, computed: 4 },
      { grade: 'B', atMost: 0.3, allowed: 3, computed: 4 },
    ]);
    // by hand: P2 keeps A; P1, P3, P4 move to B and, ranked above every computed B, keep the 3 B places;
    // P5–P8 overflow B into C; C is unlimited; P10 stays D
    expect(proposal.grades.map((g) => [g.entityId, g.rank, g.computed, g.proposed, g.coefficient])).toEqual([
      ['P2', 1, 'A', 'A', 1.5],
      ['P1', 2, 'A', 'B', 1.2],
      ['P3', 3, 'A', 'B', 1.2],
      ['P4', 4, 'A', 'B', 1.2],
      ['P5', 5, 'B', 'C', 1.0],
      ['P6', 6, 'B', 'C', 1.0],
      ['P7', 7, 'B', 'C', 1.0],
      ['P8', 8, 'B', 'C', 1.0],
      ['P9', 9, 'C', 'C', 1.0],
      ['P10', 10, 'D', 'D', 0.6],
    ]);
  });

  it('proposes nothing new where the distribution holds, and flags a full tie at the cut', () => {
    const ok = proposeCalibration(SEED_002_CALIBRATION, SEED_002_GRADES, 'higher', [
      { entityId: 'X1', total: 92, grade: 'A', tiebreak: null },
      ...Array.from({ length: 9 }, (_, i) => ({ entityId: `Y${i}`, total: 70, grade: 'C', tiebreak: null })),
    ]);
    expect(ok.violated).toBe(false);
    expect(ok.grades.every((g) => g.proposed === g.computed)).toBe(true);

    // two A with the same total and tiebreak among ten: one place; the entity id decides and both say tied
    const tie = proposeCalibration(SEED_002_CALIBRATION, SEED_002_GRADES, 'higher', [
      { entityId: 'T2', total: 92, grade: 'A', tiebreak: 1 },
      { entityId: 'T1', total: 92, grade: 'A', tiebreak: 1 },
      ...Array.from({ length: 8 }, (_, i) => ({ entityId: `Y${i}`, total: 70, grade: 'C', tiebreak: null })),
    ]);
    expect(tie.grades.slice(0, 2)).toMatchObject([
      { entityId: 'T1', rank: 1, proposed: 'A', tied: true },
      { entityId: 'T2', rank: 1, proposed: 'B', tied: true },
    ]);
  });

  it('allows no A below ten people nor B below four: "≤" is never exceeded', () => {
    const small = proposeCalibration(SEED_002_CALIBRATION, SEED_002_GRADES, 'higher', [
      { entityId: 'S1', total: 99, grade: 'A', tiebreak: null },
      { entityId: 'S2', total: 70, grade: 'C', tiebreak: null },
    ]);
    expect(small.limits).toEqual([
      { grade: 'A', atMost: 0.1, allowed: 0, computed: 1 },
      { grade: 'B', atMost: 0.3, allowed: 0, computed: 0 },
    ]);
    // one limit exceeded is enough to flag the distribution
    expect(small.violated).toBe(true);
    // A allows ⌊0.2⌋ = 0, B ⌊0.6⌋ = 0: the A moves down twice, to C
    expect(small.grades[0]).toMatchObject({ proposed: 'C', coefficient: 1.0 });
  });

  it('has nowhere to move an overflow of the lowest grade: it is flagged and kept', () => {
    const lowest = { ...SEED_002_CALIBRATION, limits: [{ grade: 'D', atMost: 0.5 }] };
    const proposal = proposeCalibration(lowest, SEED_002_GRADES, 'higher', [
      { entityId: 'L1', total: 60, grade: 'D', tiebreak: null },
      { entityId: 'L2', total: 50, grade: 'D', tiebreak: null },
      { entityId: 'L3', total: 40, grade: 'D', tiebreak: null },
      { entityId: 'L4', total: 75, grade: 'C', tiebreak: null },
    ]);
    expect(proposal.limits).toEqual([{ grade: 'D', atMost: 0.5, allowed: 2, computed: 3 }]);
    expect(proposal.violated).toBe(true);
    expect(proposal.grades.map((g) => [g.entityId, g.proposed])).toEqual([
      ['L4', 'C'],
      ['L1', 'D'],
      ['L2', 'D'],
      ['L3', 'D'],
    ]);
  });
});
