// A writable that keeps what is written, standing in for stdout/stderr (a terminal or a pipe).
import { Writable } from 'node:stream';

export type MemoryStream = Writable & { isTTY: boolean; text(): string; columns: number };

export function memoryStream(isTTY: boolean): MemoryStream {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  }) as MemoryStream;
  stream.isTTY = isTTY;
  stream.columns = 100;
  stream.text = () => chunks.join('');
  return stream;
}
