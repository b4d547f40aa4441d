// Turns what a person types into a safe FTS5 query: every word becomes a quoted prefix term, so FTS5
// syntax (AND, NEAR, column filters, quotes) in the input is never interpreted.

const MAX_TERMS = 8;

/**
 * The FTS query for `input` within one room: the room id is a column of the index, so the match never
 * walks another room's shares; the words match names and folder paths only.
 */
export function ftsQuery(input: string, roomId: string): string {
  const words = input.normalize('NFKC').match(/[\p{L}\p{N}]+/gu) ?? [];
  const terms = words.slice(0, MAX_TERMS).map((w) => `"${w}"*`);
  // nothing searchable (only punctuation) matches nothing rather than everything
  if (terms.length === 0) return '""';
  // room ids are [a-z2-7] only (checked before this is called), so quoting them is enough
  return `room_id : "${roomId}" AND {name path} : (${terms.join(' ')})`;
}
