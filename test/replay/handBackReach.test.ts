import { describe, expect, test } from 'vitest';
import { HandBackReach, MIN_HAND_BACK_LINES, reachOf } from '../../src/replay/jobs/handBackReach.js';
import type { DeferredLine } from '../../src/replay/jobs/protocol.js';
import { HAND_BACK_LINES } from '../../src/replay/jobs/rangeDeferral.js';

const line = (ordinal: number, auditID: string): DeferredLine => ({ ordinal, auditID, text: '', bytes: 1 });

describe('reachOf', () => {
  test('the first handed-back line of the furthest carried request; later lines of a request and requests not carried do not count', () => {
    const carried = new Set(['a', 'b']);
    const deferred = [line(3, 'a'), line(5, 'x'), line(9, 'b'), line(40, 'a'), line(70, 'b'), line(90, 'y')];
    expect(reachOf(deferred, carried)).toBe(9);
  });

  test('0 when nothing carried in is continued', () => {
    expect(reachOf([line(1, 'x'), line(2, 'y')], new Set(['a']))).toBe(0);
    expect(reachOf([], new Set(['a']))).toBe(0);
  });
});

describe('HandBackReach', () => {
  test('the default until two ranges were merged, then the furthest straddler seen twice over plus a margin', () => {
    const reach = new HandBackReach(undefined);
    expect(reach.lines()).toBe(HAND_BACK_LINES);
    reach.merged(10);
    expect(reach.lines()).toBe(HAND_BACK_LINES);
    reach.merged(3);
    expect(reach.lines()).toBe(MIN_HAND_BACK_LINES + 20);
    reach.merged(0);
    expect(reach.lines()).toBe(MIN_HAND_BACK_LINES + 20);
    reach.merged(400);
    expect(reach.lines()).toBe(HAND_BACK_LINES);
  });

  test('a log where nothing is carried hands back the fewest', () => {
    const reach = new HandBackReach(undefined);
    reach.merged(0);
    reach.merged(0);
    expect(reach.lines()).toBe(MIN_HAND_BACK_LINES);
  });

  test('a range counted again after fewer lines than the default were handed back: the default from then on', () => {
    const reach = new HandBackReach(undefined);
    reach.merged(0);
    reach.merged(0);
    // Counted again with the default handed back: nothing to learn (a straddler past them, or a full window).
    reach.countedAgain(HAND_BACK_LINES);
    expect(reach.lines()).toBe(MIN_HAND_BACK_LINES);
    reach.countedAgain(MIN_HAND_BACK_LINES);
    expect(reach.lines()).toBe(HAND_BACK_LINES);
    reach.merged(0);
    reach.merged(0);
    expect(reach.lines()).toBe(HAND_BACK_LINES);
  });

  test('a number given by the caller is kept', () => {
    const reach = new HandBackReach(16);
    reach.merged(0);
    reach.merged(0);
    expect(reach.lines()).toBe(16);
    reach.countedAgain(16);
    expect(reach.lines()).toBe(16);
  });
});
