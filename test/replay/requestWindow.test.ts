import { describe, expect, test } from 'vitest';
import { RequestWindow } from '../../src/replay/requestWindow.js';

describe('RequestWindow', () => {
  test('finishes the oldest request when full, and counts it as evicted', () => {
    const finished: string[] = [];
    const window = new RequestWindow<number>(2, (id) => finished.push(id));
    window.add('a', 1);
    window.add('b', 2);
    expect(window.get('a')).toBe(1);
    window.add('c', 3);
    expect(finished).toEqual(['a']);
    expect(window.get('a')).toBeUndefined();
    expect(window.evicted).toBe(1);
    expect(window.size).toBe(2);
  });

  test('finish() and drain() finish without counting evictions', () => {
    const finished: [string, number][] = [];
    const window = new RequestWindow<number>(10, (id, v) => finished.push([id, v]));
    window.add('a', 1);
    window.add('b', 2);
    window.add('c', 3);
    window.finish('b');
    window.finish('missing');
    window.drain();
    expect(finished).toEqual([
      ['b', 2],
      ['a', 1],
      ['c', 3],
    ]);
    expect(window.evicted).toBe(0);
    expect(window.size).toBe(0);
  });

  test('memory stays bounded however many requests pass through', () => {
    let finished = 0;
    const window = new RequestWindow<object>(100, () => finished++);
    for (let i = 0; i < 100_000; i++) window.add(`id-${i}`, {});
    expect(window.size).toBe(100);
    expect(finished).toBe(100_000 - 100);
  });

  test('rejects a capacity that is not a positive integer', () => {
    expect(() => new RequestWindow(0, () => {})).toThrow(RangeError);
  });
});
