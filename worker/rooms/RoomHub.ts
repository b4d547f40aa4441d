// Placeholder until live rooms land: one Durable Object per room pushing catalog and presence changes.
import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env.ts';
import type { RoomChange } from '../protocol/live.ts';

export class RoomHub extends DurableObject<Env> {
  async publish(_roomId: string, _changes: RoomChange[]): Promise<void> {}
}
