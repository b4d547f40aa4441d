// The one rule of a store that verifies chunks itself (the OPFS worker): hash first, write only on a
// match. Apart from the worker so that unit tests run exactly this rule.
import { equalBytes } from './assemble.ts';

/** Writes `bytes` only if their hash equals `expected`; says whether it did. */
export async function writeIfVerified(
  bytes: Uint8Array,
  expected: Uint8Array,
  hash: (bytes: Uint8Array) => Promise<Uint8Array>,
  write: (bytes: Uint8Array) => void | Promise<void>,
): Promise<boolean> {
  if (expected.length !== 32 || !equalBytes(await hash(bytes), expected)) return false;
  await write(bytes);
  return true;
}
