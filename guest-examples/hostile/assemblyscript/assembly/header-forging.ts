// Attacks the message: tries to add, replace or remove Via and Content-Length headers (a forged Via
// steers replies, a wrong Content-Length desynchronises stream transports), to smuggle a header through
// a line break, and to set the R-URI to garbage. Each KSR result is recorded in $var(<attempt>).
import { KSR } from '../../../assemblyscript/sdk';
import { record } from './record';

const VIA = 'SIP/2.0/UDP evil.example:5060;branch=z9hG4bK-forged';

export function headerForging(): void {
  record('append-via', KSR.hdr.append(`Via: ${VIA}`));
  record('insert-via', KSR.hdr.insert(`Via: ${VIA}`));
  record('insert-compact-via', KSR.hdr.insert(`v: ${VIA}`));
  record('insert-before-via', KSR.hdr.insert_before(`Via: ${VIA}`, 'Max-Forwards'));
  record('append-after-via', KSR.hdr.append_after(`VIA: ${VIA}`, 'Via'));
  record('remove-via', KSR.hdr.remove('Via'));
  record('remove-compact-via', KSR.hdr.remove('v'));
  record('rminsert-via', KSR.hdr.rminsert('Via', `Via: ${VIA}`));
  record('rmappend-content-length', KSR.hdr.rmappend('Content-Length', 'Content-Length: 9999'));
  record('append-compact-content-length', KSR.hdr.append('l: 0'));
  record('smuggle-crlf', KSR.hdr.append(`X-Innocent: 1\r\nVia: ${VIA}`));
  record('smuggle-lf', KSR.hdr.append(`X-Innocent: 1\nVia: ${VIA}`));
  record('smuggle-cr', KSR.hdr.append(`X-Innocent: 1\rVia: ${VIA}`));
  record('smuggle-nul', KSR.hdr.append(`X-Innocent: 1\0Via: ${VIA}`));
  record('reply-via', KSR.hdr.append_to_reply(`Via: ${VIA}`));
  record('reply-content-length', KSR.hdr.append_to_reply('Content-Length: 0'));
  KSR.pv.sets('$hdr(Via)', VIA);
  KSR.pv.sets('$ru', 'garbage');
  KSR.pv.sets('$ru', `sip:bob@example.com SIP/2.0\r\nVia: ${VIA}`);
  KSR.pv.sets('$rU', `bob\r\nVia: ${VIA}`);
  KSR.pv.sets('$rd', `example.com\r\nVia: ${VIA}`);
  record('seturi-garbage', KSR.seturi('not a uri') ? 1 : -1);
  record('setuser-crlf', KSR.setuser(`bob\r\nVia: ${VIA}`) ? 1 : -1);
  record('sethost-space', KSR.sethost('evil.example SIP/2.0') ? 1 : -1);
  record('setdsturi-garbage', KSR.setdsturi('::garbage::') ? 1 : -1);
}
