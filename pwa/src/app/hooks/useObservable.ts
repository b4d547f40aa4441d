import { useSyncExternalStore } from 'react';
import { Observable } from '../../net/observable.ts';

const NONE = new Observable<null>(null);

export function useObservable<T>(observable: Observable<T>): T {
  return useSyncExternalStore(observable.subscribe, observable.get, observable.get);
}

/** For an observable that may not exist yet (e.g. the live connection before the room is joined). */
export function useMaybeObservable<T>(observable: Observable<T> | null | undefined): T | null {
  const target = (observable ?? NONE) as Observable<T | null>;
  return useSyncExternalStore(target.subscribe, target.get, target.get);
}
