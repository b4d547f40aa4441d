// The trust page is HTML we write: every value in it is escaped, and it carries no script at all.
import { describe, expect, it } from 'vitest';
import { escapeHtml, renderTrustPage } from './trustPage.ts';

describe('the trust page', () => {
  it('escapes every value it shows', () => {
    const page = renderTrustPage({
      caName: '<script>alert(1)</script>',
      caFingerprint: '"><img src=x onerror=alert(1)>',
      secureUrl: 'https://10.0.0.2:8443/"><script>x</script>',
      scope: "private addresses & <b>laptop</b> 'x'",
    });
    expect(page).not.toMatch(/<script|<img|<b>/i);
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('href="https://10.0.0.2:8443/&quot;&gt;&lt;script&gt;x&lt;/script&gt;"');
    expect(page).toContain('private addresses &amp; &lt;b&gt;laptop&lt;/b&gt; &#39;x&#39;');
  });

  it('links the certificate downloads, the HTTPS address and its stylesheet, nothing inline', () => {
    const page = renderTrustPage({
      caName: 'MeshDrop local CA',
      caFingerprint: 'AB:CD',
      secureUrl: 'https://10.0.0.2:8443/',
      scope: 'private addresses',
    });
    expect(page).toContain('href="/trust/meshdrop-ca.crt"');
    expect(page).toContain('href="/trust/meshdrop-ca.pem"');
    expect(page).toContain(
      '<a class="button primary" href="https://10.0.0.2:8443/">Open MeshDrop securely</a>',
    );
    expect(page).toContain('<link rel="stylesheet" href="/trust/trust.css">');
    expect(page).not.toMatch(/<script|<style|\sstyle=|\son[a-z]+=/i);
    for (const platform of [
      'Android',
      'iPhone and iPad',
      'Windows',
      'macOS',
      'Linux: Chrome and Chromium',
      'Firefox',
    ])
      expect(page).toContain(platform);
    expect(page).toContain('Certificate Trust Settings');
  });

  it('escapes the five HTML metacharacters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});
