// A hub's store in memory, for the relay in a LAN tracker's front: one process holds every socket, so
// what a Durable Object keeps in its own storage (signalingStore.ts) lives exactly as long as the sockets
// it is about. Same caps as the Durable Object's store.
import { SIGNALING_LIMITS } from '../protocol/signaling.ts';
import type { HubStore } from './hub.ts';

interface Pending {
  src: string;
  frame: string;
  expiresAt: number;
}

export class MemoryStore implements HubStore {
  private readonly pending = new Map<string, Pending[]>();
  private readonly contacts = new Map<string, Set<string>>();
  private readonly online = new Set<string>();

  enqueue(dst: string, src: string, frames: string[], expiresAt: number): number {
    let queue = this.pending.get(dst);
    if (!queue) {
      queue = [];
      this.pending.set(dst, queue);
    }
    const kept = frames.slice(0, Math.max(0, SIGNALING_LIMITS.maxPending - queue.length));
    for (const frame of kept) queue.push({ src, frame, expiresAt });
    if (queue.length === 0) this.pending.delete(dst);
    return kept.length;
  }

  takePending(dst: string): string[] {
    const queue = this.pending.get(dst) ?? [];
    this.pending.delete(dst);
    return queue.map((p) => p.frame);
  }

  takeExpired(now: number): { dst: string; src: string }[] {
    const out: { dst: string; src: string }[] = [];
    for (const [dst, queue] of this.pending) {
      const gone = new Set(queue.filter((p) => p.expiresAt <= now).map((p) => p.src));
      if (gone.size === 0) continue;
      const left = queue.filter((p) => !gone.has(p.src));
      if (left.length > 0) this.pending.set(dst, left);
      else this.pending.delete(dst);
      for (const src of gone) out.push({ dst, src });
    }
    return out;
  }

  nextExpiry(): number | null {
    let next: number | null = null;
    for (const queue of this.pending.values()) {
      for (const p of queue) if (next === null || p.expiresAt < next) next = p.expiresAt;
    }
    return next;
  }

  pendingCount(dst: string): number {
    return this.pending.get(dst)?.length ?? 0;
  }

  addContact(peer: string, contact: string) {
    let set = this.contacts.get(peer);
    if (!set) {
      set = new Set();
      this.contacts.set(peer, set);
    }
    set.add(contact);
  }

  dropContact(peer: string, contact: string) {
    const set = this.contacts.get(peer);
    set?.delete(contact);
    if (set?.size === 0) this.contacts.delete(peer);
  }

  async listContacts(peer: string): Promise<string[]> {
    return [...(this.contacts.get(peer) ?? [])];
  }

  async takeContacts(peer: string): Promise<string[]> {
    const list = [...(this.contacts.get(peer) ?? [])];
    this.contacts.delete(peer);
    return list;
  }

  async published(peer: string): Promise<boolean> {
    return this.online.has(peer);
  }

  setPublished(peer: string, online: boolean) {
    if (online) this.online.add(peer);
    else this.online.delete(peer);
  }

  publishedPeers(): string[] {
    return [...this.online];
  }
}
