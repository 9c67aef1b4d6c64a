// API.md v1.1 "Limits against abuse": JSON nested deeper than 32 levels is `validation-failed`.
// Checked on the raw text, before JSON.parse or any library walks it: a 200,000-deep array parses,
// but every recursive walker after it (validation, hashing, logging) overflows the stack.

/** The deepest nesting of arrays and objects a request body may have. */
export const maxJsonDepth = 32;

/**
 * Whether `text` opens more than `max` arrays or objects inside one another. One linear pass,
 * counting `[` and `{` (and their closers) outside strings; a backslash inside a string escapes the
 * next character, so `"\""` and `"\\"` end where JSON says they do. Malformed text is left for
 * JSON.parse to refuse.
 */
export function jsonTooDeep(text: string, max = maxJsonDepth): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > max) return true;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  return false;
}
