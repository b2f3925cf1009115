/** The invite QR code: drawn on the device from the link, and a decoder reads the link back. */
import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import InviteQr from '../../../../src/app/components/admin/InviteQr.vue';
import { inviteLinkOf } from '../../../../src/app/components/admin/admin-format';
import { modulesOf, readQr } from './qr-read';

describe('InviteQr', () => {
  it.each(['http://localhost:8080/join?code=ABCD-EFGH-JKMN-PQRS', 'https://kepu.huidong.example.cn/join?code=Z9Y8-X7W6-V5U4-T3S2'])(
    'draws a code a decoder reads back as the link (%s)',
    (link) => {
      const w = mount(InviteQr, { props: { text: link, label: `邀请二维码 ${link}` } });
      const svg = w.get('[data-testid=invite-qr]');
      expect(svg.attributes('role')).toBe('img');
      expect(svg.attributes('aria-label')).toBe(`邀请二维码 ${link}`);
      const matrix = modulesOf(svg.element);
      // A quiet zone of four light modules on every side.
      expect(matrix.slice(0, 4).flat().some(Boolean)).toBe(false);
      expect(
        matrix
          .map((row) => row.slice(-4))
          .flat()
          .some(Boolean),
      ).toBe(false);
      expect(readQr(matrix)).toBe(link);
    },
  );

  it('follows a new link, and a damaged matrix does not read as the link', async () => {
    const w = mount(InviteQr, { props: { text: 'http://a.example/join?code=AAAA-BBBB-CCCC-DDDD', label: 'qr' } });
    await w.setProps({ text: 'http://a.example/join?code=EEEE-FFFF-GGGG-HHHH' });
    const matrix = modulesOf(w.get('svg').element);
    expect(readQr(matrix)).toBe('http://a.example/join?code=EEEE-FFFF-GGGG-HHHH');
    // Blank the top-left finder pattern: the decoder can no longer find the symbol.
    for (let y = 4; y < 11; y++) for (let x = 4; x < 11; x++) matrix[y]![x] = false;
    expect(readQr(matrix)).toBeNull();
  });
});

describe('inviteLinkOf', () => {
  it('points at the join form of the server the phones use: this site, or the server set under 高级设置', () => {
    expect([
      inviteLinkOf('ABCD-EFGH-JKMN-PQRS', '', 'https://kepu.example.cn'),
      inviteLinkOf('ABCD-EFGH-JKMN-PQRS', ' https://ledger.example.org/ ', 'http://localhost:5173'),
      inviteLinkOf('ABCD-EFGH-JKMN-PQRS', 'https://example.org/kepu', 'http://localhost:5173'),
    ]).toEqual([
      'https://kepu.example.cn/join?code=ABCD-EFGH-JKMN-PQRS',
      'https://ledger.example.org/join?code=ABCD-EFGH-JKMN-PQRS',
      'https://example.org/kepu/join?code=ABCD-EFGH-JKMN-PQRS',
    ]);
  });
});
