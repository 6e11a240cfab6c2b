/**
 * Makes a token string safe to *look at*: control characters, invisible formatting characters
 * (zero-width, bidi overrides such as U+202E) and lone surrogates become visible escapes
 * (`\n`, `\0`, `\u202E`), and a backslash becomes `\\` so the escapes are unambiguous. HTML is not
 * touched — tokens must still be rendered as text, never as markup.
 */
export function visibleToken(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const named = NAMED[c];
    if (named !== undefined) {
      out += named;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && isLow(s.charCodeAt(i + 1))) {
      out += s[i] + s[i + 1]; // a valid surrogate pair (emoji etc.) stays as is
      i++;
    } else if (
      c < 0x20 ||
      (c >= 0x7f && c <= 0x9f) ||
      isInvisible(c) ||
      (c >= 0xd800 && c <= 0xdfff)
    ) {
      out += `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`;
    } else {
      out += s[i];
    }
  }
  return out;
}

const NAMED: Record<number, string> = {
  0x00: '\\0',
  0x09: '\\t',
  0x0a: '\\n',
  0x0d: '\\r',
  0x5c: '\\\\',
};

const isLow = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

/** Characters that change or hide text without being visible themselves. */
function isInvisible(c: number): boolean {
  return (
    c === 0x00ad || // soft hyphen
    c === 0x061c || // Arabic letter mark
    c === 0x180e ||
    (c >= 0x200b && c <= 0x200f) || // zero-width space/joiners, LRM/RLM
    (c >= 0x2028 && c <= 0x202e) || // line/paragraph separators, bidi embeddings and overrides
    (c >= 0x2060 && c <= 0x206f) || // word joiner, bidi isolates, deprecated format chars
    c === 0xfeff || // zero-width no-break space / BOM
    (c >= 0xfff9 && c <= 0xfffb)
  );
}
