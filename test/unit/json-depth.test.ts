import { describe, expect, it } from 'vitest';
import { jsonTooDeep, maxJsonDepth } from '../../functions/core/http/json-depth.ts';

// API.md v1.1 "Limits against abuse": JSON nested deeper than 32 levels is refused, judged on the
// raw text before anything parses or walks it.

const arrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const objects = (depth: number) => `${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`;

describe('jsonTooDeep', () => {
  it('allows 32 levels and refuses 33, for arrays, objects and a mix of both', () => {
    expect(maxJsonDepth).toBe(32);
    expect(jsonTooDeep(arrays(32))).toBe(false);
    expect(jsonTooDeep(arrays(33))).toBe(true);
    expect(jsonTooDeep(objects(32))).toBe(false);
    expect(jsonTooDeep(objects(33))).toBe(true);
    const mixed = (depth: number) => `${'[{"k":'.repeat(depth / 2)}1${'}]'.repeat(depth / 2)}`;
    expect(jsonTooDeep(mixed(32))).toBe(false);
    expect(jsonTooDeep(mixed(34))).toBe(true);
    // Every one of them is still valid JSON.
    for (const text of [arrays(33), objects(33), mixed(34)]) expect(() => JSON.parse(text)).not.toThrow();
  });

  it('counts depth, not the number of containers: wide bodies pass', () => {
    const wide = JSON.stringify({ entries: Array.from({ length: 1000 }, (_, i) => ({ i, tags: [[i]] })) });
    expect(jsonTooDeep(wide)).toBe(false);
    expect(jsonTooDeep('{"a":[1,2,{"b":[]}],"c":{"d":{}}}', 4)).toBe(false);
    expect(jsonTooDeep('{"a":[1,2,{"b":[]}],"c":{"d":{}}}', 3)).toBe(true);
  });

  it('ignores brackets and braces inside strings, escaped quotes and backslashes included', () => {
    const inString = JSON.stringify({ text: arrays(100) + objects(100) });
    expect(jsonTooDeep(inString)).toBe(false);
    // An escaped quote does not end the string: the brackets after it are still text.
    expect(jsonTooDeep(`{"t":"\\"${'['.repeat(50)}"}`)).toBe(false);
    // An escaped backslash does end the escape: the quote after it closes the string, and the
    // brackets after that are structure.
    expect(jsonTooDeep(`["\\\\",${arrays(32)}]`)).toBe(true);
    expect(jsonTooDeep(`["\\\\",${arrays(31)}]`)).toBe(false);
    // Unicode escapes and other escapes skip one character only.
    expect(jsonTooDeep(`{"t":"\\u005b\\n[[[["}`, 1)).toBe(false);
    for (const text of [inString, `{"t":"\\"${'['.repeat(50)}"}`, `["\\\\",${arrays(32)}]`]) {
      expect(() => JSON.parse(text)).not.toThrow();
    }
  });

  it('scans a 200,000-deep array in one linear pass and stops at the first level too deep', () => {
    const deep = arrays(200_000);
    const started = performance.now();
    expect(jsonTooDeep(deep)).toBe(true);
    expect(jsonTooDeep(`"${deep}"`)).toBe(false);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('leaves malformed text to JSON.parse', () => {
    expect(jsonTooDeep('')).toBe(false);
    expect(jsonTooDeep(']]]]')).toBe(false);
    expect(jsonTooDeep('{"unterminated')).toBe(false);
  });
});
