// Short messages at the bottom of the screen ("Link copied"). One list for the whole app.
import { Observable } from '../net/observable.ts';

export interface Toast {
  id: number;
  text: string;
}

export const toasts = new Observable<Toast[]>([]);
let nextId = 1;

export function notify(text: string, ms = 5000): void {
  const id = nextId++;
  toasts.update((list) => [...list.slice(-2), { id, text }]);
  setTimeout(() => dismissToast(id), ms);
}

export function dismissToast(id: number): void {
  toasts.update((list) => list.filter((t) => t.id !== id));
}
