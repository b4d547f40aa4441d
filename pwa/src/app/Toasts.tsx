import { useObservable } from './hooks/useObservable.ts';
import { dismissToast, toasts } from './notify.ts';

export function Toasts() {
  const list = useObservable(toasts);
  return (
    <div className="toasts" role="status" aria-live="polite">
      {list.map((t) => (
        <div key={t.id} className="toast">
          <span>{t.text}</span>
          <button
            type="button"
            className="link-button"
            onClick={() => dismissToast(t.id)}
            aria-label="Dismiss message"
          >
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}
