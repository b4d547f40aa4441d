// Test files on disk with their SHA-256 and content id computed in Node: an oracle independent of the
// app (docs/protocol.md says how a content id is made; the app's own code is not used here).
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const MiB = 1024 * 1024;
const CONTENT_ID_DOMAIN = 'meshdrop-content-v1\n';

export interface Fixture {
  name: string;
  size: number;
  /** absolute path of the file on disk (what setInputFiles gets) */
  file: string;
  /** folder inside the shared folder ('' for loose files) */
  folder: string;
  sha256: string;
  contentId: string;
}

/** docs/protocol.md: 1 MiB chunks, doubled while the file would have more than 8192 (at most 64 MiB). */
function chunkSizeFor(size: number): number {
  let chunk = MiB;
  while (chunk < 64 * MiB && Math.ceil(size / chunk) > 8192) chunk *= 2;
  return chunk;
}

/** contentId = hex(SHA-256(domain ‖ u64be(size) ‖ u32be(chunkSize) ‖ SHA-256(chunk_0) ‖ …)), per docs/protocol.md. */
export function contentIdOf(bytes: Buffer): string {
  const chunkSize = chunkSizeFor(bytes.length);
  const header = Buffer.alloc(12);
  header.writeBigUInt64BE(BigInt(bytes.length), 0);
  header.writeUInt32BE(chunkSize, 8);
  const root = createHash('sha256').update(CONTENT_ID_DOMAIN).update(header);
  for (let start = 0; start < bytes.length; start += chunkSize) {
    root.update(
      createHash('sha256')
        .update(bytes.subarray(start, start + chunkSize))
        .digest(),
    );
  }
  return root.digest('hex');
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function sha256File(path: string): Promise<{ sha256: string; size: number }> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    let size = 0;
    createReadStream(path)
      .on('data', (chunk: Buffer | string) => {
        const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        size += b.length;
        hash.update(b);
      })
      .on('error', reject)
      .on('end', () => resolve({ sha256: hash.digest('hex'), size }));
  });
}

export interface FixtureSpec {
  name: string;
  size: number;
  /** path inside the shared folder, e.g. 'sub dir' ('' = directly in it) */
  folder?: string;
}

/**
 * Random files on disk. Loose files land in `<root>/loose/`, folder files under `<root>/<folderName>/`,
 * so `looseFiles` go to the "Add files" input and `folderDir` to the "Add a folder" input.
 */
export class FixtureSet {
  readonly folderName: string;
  readonly loose: Fixture[] = [];
  readonly inFolder: Fixture[] = [];
  private dir: string | null = null;

  constructor(folderName = 'Shared folder') {
    this.folderName = folderName;
  }

  /** Made on first use: a suite that is skipped (its afterAll never runs) leaves no folder behind. */
  get root(): string {
    this.dir ??= mkdtempSync(join(tmpdir(), 'meshdrop-transfer-'));
    return this.dir;
  }

  get folderDir(): string {
    return join(this.root, this.folderName);
  }

  get all(): Fixture[] {
    return [...this.loose, ...this.inFolder];
  }

  add(spec: FixtureSpec): Fixture {
    const bytes = randomBytes(spec.size);
    const inFolder = spec.folder !== undefined;
    const dir = inFolder ? join(this.folderDir, spec.folder ?? '') : join(this.root, 'loose');
    const file = join(dir, spec.name);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, bytes);
    const fx: Fixture = {
      name: spec.name,
      size: spec.size,
      file,
      folder: inFolder ? [this.folderName, spec.folder].filter(Boolean).join('/') : '',
      sha256: sha256(bytes),
      contentId: contentIdOf(bytes),
    };
    (inFolder ? this.inFolder : this.loose).push(fx);
    return fx;
  }

  remove(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}
