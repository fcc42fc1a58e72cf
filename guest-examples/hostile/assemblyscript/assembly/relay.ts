// Attacks the network boundary: asks the transaction layer to relay where a tenant must not send (the
// cloud metadata address, the server's own SSH port, private and foreign addresses), by every way a script
// has to name a destination: a forced next hop, $du, $ru, an appended branch. Each result is recorded.
import { KSR } from '../../../assemblyscript/sdk';
import { record } from './record';

export function relayForbidden(): void {
  record('relay-to-metadata', KSR.tm.t_relay_to_proto_addr('udp', '169.254.169.254', 80));
  record('relay-to-ssh', KSR.tm.t_relay_to_proto_addr('tcp', '127.0.0.1', 22));
  KSR.pv.sets('$du', 'sip:10.0.0.5:5060');
  record('relay-via-du', KSR.tm.t_relay());
  KSR.pv.unset('$du');
  KSR.pv.sets('$ru', 'sip:victim@192.0.2.66:5060');
  record('relay-via-ru', KSR.tm.t_relay());
  KSR.corex.append_branch_uri('sip:evil@203.0.113.9');
  record('relay-appended-branch', KSR.tm.t_relay());
}
