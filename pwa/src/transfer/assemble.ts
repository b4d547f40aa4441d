// Reassembly of the manifest's hashes as they arrive (chunk pieces are assembled in sourceLink.ts).

/** The manifest's chunk hashes (32 bytes each), arriving in hash frames. */
export class HashesAssembler {
  readonly hashes: Uint8Array;
  private received = 0;

  constructor(chunkCount: number) {
    this.hashes = new Uint8Array(chunkCount * 32);
  }

  get complete(): boolean {
    return this.received === this.hashes.length;
  }

  /** Adds hashes starting at hash `first`; false when out of order, misaligned or too many. */
  add(first: number, payload: Uint8Array): boolean {
    const at = first * 32;
    if (at !== this.received || payload.length % 32 !== 0 || at + payload.length > this.hashes.length)
      return false;
    this.hashes.set(payload, at);
    this.received += payload.length;
    return true;
  }

  hashOf(index: number): Uint8Array {
    return this.hashes.subarray(index * 32, index * 32 + 32);
  }
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
