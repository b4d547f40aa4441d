// A QR code of a link as an image URL (data:), dark on light whatever the theme: scanners expect it.
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';

export function useQrCode(text: string | null): string | null {
  const [qr, setQr] = useState<string | null>(null);
  useEffect(() => {
    if (!text) return setQr(null);
    QRCode.toDataURL(text, {
      errorCorrectionLevel: 'M',
      margin: 2,
      width: 240,
      color: { dark: '#000000', light: '#ffffff' },
    })
      .then(setQr)
      .catch(() => setQr(null));
  }, [text]);
  return qr;
}
