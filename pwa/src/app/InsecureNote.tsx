// On a plain-http LAN address the app still shares and browses; this says what HTTPS would add, and on a
// tracker that serves HTTPS (npm start), links to its trust page: trust this laptop once, then HTTPS.
import { useConfig } from './hooks/useConfig.ts';

export function InsecureNote() {
  const config = useConfig();
  if (typeof window === 'undefined' || window.isSecureContext) return null;
  return (
    <p className="note insecure-note">
      Open this page over HTTPS to install the app, use it offline and save large files straight to disk.
      {config?.https && (
        <>
          {' '}
          {/* a page of the tracker's front, not of the app: a full page load */}
          <a href={config.https.trustPath}>Set up HTTPS on this device</a>
        </>
      )}
    </p>
  );
}
