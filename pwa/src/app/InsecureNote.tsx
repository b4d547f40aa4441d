// On a plain-http LAN address the app still shares and browses; this says what HTTPS would add.
export function InsecureNote() {
  if (typeof window === 'undefined' || window.isSecureContext) return null;
  return (
    <p className="note insecure-note">
      Open this page over HTTPS to install the app, use it offline and save large files straight to disk.
    </p>
  );
}
