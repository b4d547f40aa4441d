// The "direct or relayed" classifier, on getStats() entries shaped as Chromium and Firefox report them.
import { describe, expect, it } from 'vitest';
import {
  classifyStats,
  describePaths,
  isLocalAddress,
  type StatsEntry,
} from '../src/state/connectionPath.ts';

function chromium(local: Partial<StatsEntry>, remote: Partial<StatsEntry>): StatsEntry[] {
  return [
    { id: 'T01', type: 'transport', selectedCandidatePairId: 'CP1' },
    // a pair that is not the selected one must not count
    { id: 'CP0', type: 'candidate-pair', localCandidateId: 'Lr', remoteCandidateId: 'Rr', nominated: false },
    {
      id: 'CP1',
      type: 'candidate-pair',
      localCandidateId: 'L1',
      remoteCandidateId: 'R1',
      nominated: true,
      state: 'succeeded',
    },
    { id: 'Lr', type: 'local-candidate', candidateType: 'relay', address: '203.0.113.9' },
    { id: 'Rr', type: 'remote-candidate', candidateType: 'relay', address: '203.0.113.9' },
    { id: 'L1', type: 'local-candidate', ...local },
    { id: 'R1', type: 'remote-candidate', ...remote },
  ];
}

describe('classifyStats', () => {
  it('says "same network" for host candidates on private addresses (the test LAN)', () => {
    expect(
      classifyStats(
        chromium(
          { candidateType: 'host', address: '10.99.3.11' },
          { candidateType: 'host', address: '10.99.3.12' },
        ),
      ),
    ).toBe('lan');
    // mDNS names, as phones send them; and a peer-reflexive remote seen on the LAN
    expect(
      classifyStats(
        chromium(
          { candidateType: 'host', address: 'f0e1d2c3-aaaa-bbbb-cccc-0123456789ab.local' },
          { candidateType: 'prflx', address: '192.168.1.20' },
        ),
      ),
    ).toBe('lan');
    expect(
      classifyStats(
        chromium(
          { candidateType: 'host', address: 'fd00::5' },
          { candidateType: 'host', address: 'fe80::1' },
        ),
      ),
    ).toBe('lan');
  });

  it('says "direct over the internet" for server-reflexive or public addresses', () => {
    expect(
      classifyStats(
        chromium(
          { candidateType: 'srflx', address: '198.51.100.7' },
          { candidateType: 'srflx', address: '203.0.113.40' },
        ),
      ),
    ).toBe('direct');
    expect(
      classifyStats(
        chromium(
          { candidateType: 'host', address: '192.168.1.5' },
          { candidateType: 'prflx', address: '203.0.113.40' },
        ),
      ),
    ).toBe('direct');
    // public IPv6 host addresses: reachable directly, not proof of one network
    expect(
      classifyStats(
        chromium(
          { candidateType: 'host', address: '2001:db8::1' },
          { candidateType: 'host', address: '2001:db8::2' },
        ),
      ),
    ).toBe('direct');
  });

  it('says "through a relay" when either end is a TURN relay candidate', () => {
    expect(
      classifyStats(
        chromium(
          { candidateType: 'relay', address: '203.0.113.9' },
          { candidateType: 'host', address: '10.0.0.2' },
        ),
      ),
    ).toBe('relay');
    expect(
      classifyStats(
        chromium(
          { candidateType: 'host', address: '10.0.0.1' },
          { candidateType: 'relay', address: '203.0.113.9' },
        ),
      ),
    ).toBe('relay');
  });

  it('reads Firefox’s shape: the selected flag on the pair, `address` on the candidates', () => {
    const firefox: StatsEntry[] = [
      {
        id: 'p1',
        type: 'candidate-pair',
        localCandidateId: 'a',
        remoteCandidateId: 'b',
        selected: true,
        nominated: true,
        state: 'succeeded',
      },
      { id: 'a', type: 'local-candidate', candidateType: 'host', address: '10.0.0.3' },
      { id: 'b', type: 'remote-candidate', candidateType: 'host', address: '10.0.0.4' },
    ];
    expect(classifyStats(firefox)).toBe('lan');
  });

  it('knows nothing yet while no pair is selected, or when a candidate is missing', () => {
    expect(classifyStats([])).toBeNull();
    expect(classifyStats([{ id: 'T', type: 'transport' }])).toBeNull();
    expect(classifyStats([{ id: 'T', type: 'transport', selectedCandidatePairId: 'gone' }])).toBeNull();
    expect(
      classifyStats([
        { id: 'T', type: 'transport', selectedCandidatePairId: 'P' },
        { id: 'P', type: 'candidate-pair', localCandidateId: 'L', remoteCandidateId: 'R' },
      ]),
    ).toBeNull();
  });
});

describe('isLocalAddress', () => {
  it('knows private, shared, link-local and loopback ranges', () => {
    for (const a of [
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.0.1',
      '169.254.1.1',
      '100.64.0.1',
      '127.0.0.1',
      '::1',
      'fd12::1',
      'fe80::1',
      'x.local',
    ])
      expect(isLocalAddress(a), a).toBe(true);
    for (const a of ['172.32.0.1', '8.8.8.8', '100.128.0.1', '2001:db8::1', '', 'example.com'])
      expect(isLocalAddress(a), a).toBe(false);
  });
});

describe('describePaths', () => {
  it('says it in plain words, counting sources that travel differently', () => {
    expect(describePaths([])).toBeNull();
    expect(describePaths(['lan'])).toBe('Goes straight to the other device, on this network');
    expect(describePaths(['relay', 'relay'])).toBe(
      'Goes through a relay server (it passes the encrypted data on)',
    );
    expect(describePaths(['relay', 'lan', 'lan'])).toBe('Goes 2 on this network, 1 through a relay');
  });
});
