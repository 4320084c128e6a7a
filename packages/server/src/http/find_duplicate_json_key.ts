const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The first key that appears twice in one object of `json`, compared after unescaping (so
 * `"a"` and `"\u0061"` are the same key); null when every object's keys are distinct.
 * `json` must already have parsed as JSON: the scan only tracks strings and nesting.
 * Iterative, so deeply nested input cannot exhaust the stack.
 */
export function findDuplicateJsonKey(json: string): string | null {
  // One entry per open container: the keys seen so far for an object, null for an array.
  const open: (Set<string> | null)[] = [];
  let expectKey = false;
  for (let at = 0; at < json.length; at += 1) {
    const char = json.charCodeAt(at);
    if (char === QUOTE) {
      let end = at + 1;
      while (json.charCodeAt(end) !== QUOTE) end += json.charCodeAt(end) === BACKSLASH ? 2 : 1;
      const keys = open.at(-1);
      if (expectKey && keys) {
        const key = JSON.parse(json.slice(at, end + 1)) as string;
        if (keys.has(key)) return key;
        keys.add(key);
      }
      expectKey = false;
      at = end;
    } else if (char === 0x7b /* { */) {
      open.push(new Set());
      expectKey = true;
    } else if (char === 0x5b /* [ */) {
      open.push(null);
    } else if (char === 0x7d /* } */ || char === 0x5d /* ] */) {
      open.pop();
    } else if (char === 0x2c /* , */) {
      expectKey = open.at(-1) instanceof Set;
    }
  }
  return null;
}
