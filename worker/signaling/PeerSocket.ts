// Placeholder until the signaling relay lands: one Durable Object per peer holding its PeerJS socket.
import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env.ts';

export class PeerSocket extends DurableObject<Env> {}
