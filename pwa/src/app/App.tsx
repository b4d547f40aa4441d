// A minimal page until the PWA lands: shows that the tracker answers.
import { useEffect, useState } from 'react';

export function App() {
  const [status, setStatus] = useState('checking the tracker…');
  useEffect(() => {
    fetch('/api/health')
      .then((r) => (r.ok ? 'The tracker is running.' : `The tracker answered ${r.status}.`))
      .catch(() => 'The tracker cannot be reached.')
      .then(setStatus);
  }, []);
  return (
    <main>
      <h1>MeshDrop</h1>
      <p role="status">{status}</p>
    </main>
  );
}
