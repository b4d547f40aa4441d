// A QR code of a link as an image URL (data:), dark on light whatever the theme: scanners expect it.
// The QR encoder is loaded when the first code is drawn, not with the first screen.
import { useEffect, useState } from 'react';

export function useQrCode(text: string | null): string | null {
  const [qr, setQr] = useState<string | null>(null);
  useEffect(() => {
    if (!text) return setQr(null);
    let live = true;
    import('qrcode')
      .then(({ default: QRCode }) =>
        QRCode.toDataURL(text, {
          errorCorrectionLevel: 'M',
          margin: 2,
          width: 240,
          color: { dark: '#000000', light: '#ffffff' },
        }),
      )
      .then(
        (url) => live && setQr(url),
        (error: unknown) => {
          // the panel shows the link as text without its picture
          console.warn('QR code not drawn', error);
          if (live) setQr(null);
        },
      );
    return () => {
      live = false;
    };
  }, [text]);
  return qr;
}
