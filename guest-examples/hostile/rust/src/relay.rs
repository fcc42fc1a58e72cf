//! Attacks the network boundary: asks the transaction layer to relay where a tenant must not send (the
//! cloud metadata address, the server's own SSH port, private and foreign addresses), by every way a
//! script has to name a destination: a forced next hop, $du, $ru, an appended branch. Each result is
//! recorded.

use crate::record;
use ksr::{corex, pv, tm};

pub fn relay_forbidden() {
    record(
        "relay-to-metadata",
        tm::t_relay_to_proto_addr("udp", "169.254.169.254", 80),
    );
    record(
        "relay-to-ssh",
        tm::t_relay_to_proto_addr("tcp", "127.0.0.1", 22),
    );
    pv::sets("$du", "sip:10.0.0.5:5060");
    record("relay-via-du", tm::t_relay());
    pv::unset("$du");
    pv::sets("$ru", "sip:victim@192.0.2.66:5060");
    record("relay-via-ru", tm::t_relay());
    corex::append_branch_uri("sip:evil@203.0.113.9");
    record("relay-appended-branch", tm::t_relay());
}
