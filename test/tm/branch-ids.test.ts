import { describe, expect, it } from 'vitest';
import { parseVia } from '../../src/sip/index.ts';
import { newBranchId, statelessBranchId, statelessReplyTarget } from '../../src/tm/branch-ids.ts';
import { parsedRequest, request } from '../sip/fixtures.ts';

const via = (text: string) => parseVia(text)!;
const UDP = { proto: 'udp' as const, address: '198.51.100.7', port: 40000 };

describe('branch ids signed for the upstream hop (issue 11)', () => {
  it('a UDP branch verifies against a next Via naming its address and port, and only that', () => {
    const branch = newBranchId(UDP);
    expect(branch).toMatch(/^z9hG4bK[0-9a-f]{8}\.[0-9a-z]+\.u[0-9a-f]{16}$/);
    const target = { proto: 'udp', address: '198.51.100.7', port: 40000 };
    expect(
      statelessReplyTarget(
        branch,
        via('SIP/2.0/UDP pc.example.com;received=198.51.100.7;rport=40000;branch=z9hG4bK1'),
      ),
    ).toEqual(target);
    expect(statelessReplyTarget(branch, via('SIP/2.0/UDP 198.51.100.7:40000;branch=z9hG4bK1'))).toEqual(
      target,
    );
    for (const other of [
      'SIP/2.0/UDP 198.51.100.7:40001;branch=z9hG4bK1',
      'SIP/2.0/UDP 198.51.100.8:40000;branch=z9hG4bK1',
      'SIP/2.0/UDP 198.51.100.7;received=192.0.2.66;rport=40000;branch=z9hG4bK1',
      'SIP/2.0/TCP 198.51.100.7:40000;branch=z9hG4bK1',
    ]) {
      expect(statelessReplyTarget(branch, via(other))).toBeUndefined();
    }
  });

  it('compares IPv6 addresses by value', () => {
    const branch = newBranchId({ proto: 'udp', address: '2001:db8::1', port: 5060 });
    expect(statelessReplyTarget(branch, via('SIP/2.0/UDP [2001:DB8:0::1];branch=z9hG4bK1'))).toMatchObject({
      proto: 'udp',
      port: 5060,
    });
  });

  it("a TCP branch names the request's connection, whatever the next Via says", () => {
    const branch = newBranchId({ proto: 'tcp', address: '198.51.100.7', port: 40000, connectionId: 42 });
    expect(statelessReplyTarget(branch, via('SIP/2.0/TCP a.example.com;branch=z9hG4bK1'))).toEqual({
      connectionId: 42,
    });
    expect(
      statelessReplyTarget(branch.replace('.t16.', '.t17.'), via('SIP/2.0/TCP a;branch=z9hG4bK1')),
    ).toBeUndefined();
  });

  it('refuses forged, altered, unsigned and foreign branches', () => {
    const next = via('SIP/2.0/UDP 198.51.100.7:40000;branch=z9hG4bK1');
    const branch = newBranchId(UDP);
    const flipped = branch.slice(0, -1) + (branch.endsWith('0') ? '1' : '0');
    const [prefix, n] = branch.split('.');
    for (const forged of [
      undefined,
      'z9hG4bK-forged',
      flipped,
      `${prefix}.${(Number.parseInt(n, 36) + 1).toString(36)}.${branch.split('.')[2]}`,
      `${prefix}.${n}`,
      newBranchId(),
      statelessBranchId(parsedRequest(request())),
      `z9hG4bK00000000.${n}.${branch.split('.')[2]}`,
    ]) {
      expect(statelessReplyTarget(forged, next)).toBeUndefined();
    }
  });
});
