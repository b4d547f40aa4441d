import { describe, expect, it } from 'vitest';
import { safeFileName } from '../src/state/fileName.ts';

describe('safeFileName', () => {
  it.each([
    ['report.pdf', 'report.pdf'],
    ['Ünïcødé 文件.bin', 'Ünïcødé 文件.bin'],
    ['../../etc/passwd', '_.._etc_passwd'],
    ['a/b\\c:d*e?f"g<h>i|j', 'a_b_c_d_e_f_g_h_i_j'],
    ['.hidden', 'hidden'],
    ['name. ', 'name'],
    ['evil\u202etxt.exe', 'eviltxt.exe'],
    ['bell\u0007.txt', 'bell.txt'],
    ['CON', '_CON'],
    ['lpt1.txt', '_lpt1.txt'],
    ['', 'download'],
    ['...', 'download'],
  ])('%j -> %j', (input, expected) => {
    expect(safeFileName(input)).toBe(expected);
  });

  it('shortens long names and keeps the extension', () => {
    const out = safeFileName(`${'x'.repeat(300)}.jpeg`);
    expect(out.length).toBe(255);
    expect(out.endsWith('.jpeg')).toBe(true);
  });
});
