// Turns what a person types into a safe FTS5 query: every word becomes a quoted prefix term, so FTS5
// syntax (AND, NEAR, column filters, quotes) in the input is never interpreted.

const MAX_TERMS = 8;

export function ftsQuery(input: string): string | null {
  const words = input.normalize('NFKC').match(/[\p{L}\p{N}]+/gu) ?? [];
  const terms = words.slice(0, MAX_TERMS).map((w) => `"${w}"*`);
  // nothing searchable (only punctuation) matches nothing rather than everything
  return terms.length ? terms.join(' ') : '""';
}
