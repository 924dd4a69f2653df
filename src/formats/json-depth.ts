// JSON that no tool writes: a nesting depth checked before the text is parsed.

/**
 * How deep the brackets of a JSON text nest, counted without parsing, so a text no ConvertTo-Json
 * writes (40 kB of `[[[[`) is refused before JSON.parse and JSON.stringify recurse into it
 * (JSON.parse itself copes, slowly: a megabyte of `[` takes most of a second).
 */
export function jsonDepth(text: string): number {
  let depth = 0; let max = 0; let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) { if (++depth > max) max = depth; }
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}
