// Raw RTCDataChannel baselines for the command-line rows: Node (bench/cli/rawNode.ts, in a host's
// namespace) to a Chromium page, the reverse, and Node to Node. The driver relays the one offer and the
// one answer; each side gathers host candidates on the test LAN only (no ICE servers at all).
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import type { Page } from 'playwright-core';
import { NODE_BIN, REPO_ROOT } from '../../e2e/lan/config.ts';
import type { NodePeer } from '../../e2e/lan/index.ts';

const SCRIPT = join(REPO_ROOT, 'bench/cli/rawNode.ts');

export interface RawResult {
  bytes: number;
  /** first to last byte, at the receiver */
  ms: number;
}

class RawNode {
  readonly child: ChildProcess;
  private readonly lines: Interface;
  private readonly pending: string[] = [];
  private waiting: ((line: string) => void) | null = null;

  constructor(peer: NodePeer, role: 'offer' | 'answer', direction: 'send' | 'receive', bytes: number) {
    this.child = spawn(
      'ip',
      ['netns', 'exec', peer.host.ns, NODE_BIN, SCRIPT, role, direction, String(bytes)],
      {
        detached: true,
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    this.lines = createInterface({ input: this.child.stdout! });
    this.lines.on('line', (line) => {
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = null;
        w(line);
      } else this.pending.push(line);
    });
  }

  async read<T>(timeoutMs = 60_000): Promise<T> {
    const line =
      this.pending.shift() ??
      (await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('raw node peer: no answer')), timeoutMs);
        this.waiting = (l) => {
          clearTimeout(timer);
          resolve(l);
        };
      }));
    return JSON.parse(line) as T;
  }

  write(value: unknown): void {
    this.child.stdin?.write(`${JSON.stringify(value)}\n`);
  }

  kill(): void {
    try {
      if (this.child.pid) process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
}

/** Node (offering) sends `bytes` to a fresh page, or receives them from it. */
export async function rawNodeAndPage(
  peer: NodePeer,
  page: Page,
  bytes: number,
  nodeSends: boolean,
): Promise<RawResult> {
  const node = new RawNode(peer, 'offer', nodeSends ? 'send' : 'receive', bytes);
  try {
    const { sdp } = await node.read<{ sdp: string }>();
    const answer = await page.evaluate(pageAnswer, [sdp, nodeSends ? 'receive' : 'send', bytes] as const);
    node.write({ sdp: answer });
    if (nodeSends) {
      const result = await page.evaluate(pageResult, [bytes, 120_000] as const);
      node.write({ done: true });
      return result;
    }
    return await node.read<RawResult>(120_000);
  } finally {
    node.kill();
    await page.evaluate(() => (window as unknown as { __raw?: { pc: RTCPeerConnection } }).__raw?.pc.close());
  }
}

/** Node to Node, each in its own host's namespace. */
export async function rawNodeToNode(from: NodePeer, to: NodePeer, bytes: number): Promise<RawResult> {
  const sender = new RawNode(from, 'offer', 'send', bytes);
  const receiver = new RawNode(to, 'answer', 'receive', bytes);
  try {
    receiver.write(await sender.read());
    sender.write(await receiver.read());
    const result = await receiver.read<RawResult>(120_000);
    sender.write({ done: true });
    return result;
  } finally {
    sender.kill();
    receiver.kill();
  }
}

// Runs in the page: answers the offer, then receives (counting bytes) or sends random bytes with the same
// water marks as the engine. Serialized by Playwright: only its argument and browser globals.
const pageAnswer = async ([offer, direction, total]: readonly [string, 'send' | 'receive', number]) => {
  const pc = new RTCPeerConnection({ iceServers: [] });
  const state = { pc, got: 0, first: 0, last: 0 };
  (window as unknown as { __raw: typeof state }).__raw = state;
  pc.ondatachannel = (e) => {
    const dc = e.channel;
    dc.binaryType = 'arraybuffer';
    if (direction === 'receive') {
      dc.onmessage = (m: MessageEvent<ArrayBuffer>) => {
        if (state.got === 0) state.first = performance.now();
        state.got += m.data.byteLength;
        state.last = performance.now();
      };
      return;
    }
    const send = async () => {
      const chunk = new Uint8Array(64 * 1024);
      dc.bufferedAmountLowThreshold = 1024 * 1024;
      for (let at = 0; at < total; at += chunk.length) {
        if (dc.bufferedAmount > 4 * 1024 * 1024)
          await new Promise<void>((r) => dc.addEventListener('bufferedamountlow', () => r(), { once: true }));
        crypto.getRandomValues(chunk);
        dc.send(chunk.subarray(0, Math.min(chunk.length, total - at)));
      }
    };
    if (dc.readyState === 'open') void send();
    else dc.onopen = () => void send();
  };
  await pc.setRemoteDescription({ type: 'offer', sdp: offer });
  await pc.setLocalDescription(await pc.createAnswer());
  await new Promise<void>((resolve) => {
    if (pc.iceGatheringState === 'complete') resolve();
    pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
  });
  return pc.localDescription?.sdp ?? '';
};

const pageResult = async ([total, timeoutMs]: readonly [number, number]): Promise<RawResult> => {
  const s = (window as unknown as { __raw: { got: number; first: number; last: number } }).__raw;
  const deadline = performance.now() + timeoutMs;
  while (s.got < total && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return { bytes: s.got, ms: s.last - s.first };
};
