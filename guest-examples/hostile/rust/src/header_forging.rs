//! Attacks the message: tries to add, replace or remove Via and Content-Length headers (a forged Via
//! steers replies, a wrong Content-Length desynchronises stream transports), to smuggle a header through
//! a line break, and to set the R-URI to garbage. Each KSR result is recorded in $var(<attempt>).

use crate::record;
use ksr::{hdr, pv};

const VIA: &str = "SIP/2.0/UDP evil.example:5060;branch=z9hG4bK-forged";

fn flag(ok: bool) -> i32 {
    if ok {
        1
    } else {
        -1
    }
}

pub fn header_forging() {
    record("append-via", hdr::append(&format!("Via: {VIA}")));
    record("insert-via", hdr::insert(&format!("Via: {VIA}")));
    record("insert-compact-via", hdr::insert(&format!("v: {VIA}")));
    record(
        "insert-before-via",
        hdr::insert_before(&format!("Via: {VIA}"), "Max-Forwards"),
    );
    record(
        "append-after-via",
        hdr::append_after(&format!("VIA: {VIA}"), "Via"),
    );
    record("remove-via", hdr::remove("Via"));
    record("remove-compact-via", hdr::remove("v"));
    record("rminsert-via", hdr::rminsert("Via", &format!("Via: {VIA}")));
    record(
        "rmappend-content-length",
        hdr::rmappend("Content-Length", "Content-Length: 9999"),
    );
    record("append-compact-content-length", hdr::append("l: 0"));
    record(
        "smuggle-crlf",
        hdr::append(&format!("X-Innocent: 1\r\nVia: {VIA}")),
    );
    record(
        "smuggle-lf",
        hdr::append(&format!("X-Innocent: 1\nVia: {VIA}")),
    );
    record(
        "smuggle-cr",
        hdr::append(&format!("X-Innocent: 1\rVia: {VIA}")),
    );
    record(
        "smuggle-nul",
        hdr::append(&format!("X-Innocent: 1\0Via: {VIA}")),
    );
    record("reply-via", hdr::append_to_reply(&format!("Via: {VIA}")));
    record(
        "reply-content-length",
        hdr::append_to_reply("Content-Length: 0"),
    );
    pv::sets("$hdr(Via)", VIA);
    pv::sets("$ru", "garbage");
    pv::sets("$ru", &format!("sip:bob@example.com SIP/2.0\r\nVia: {VIA}"));
    pv::sets("$rU", &format!("bob\r\nVia: {VIA}"));
    pv::sets("$rd", &format!("example.com\r\nVia: {VIA}"));
    record("seturi-garbage", flag(ksr::seturi("not a uri")));
    record(
        "setuser-crlf",
        flag(ksr::setuser(&format!("bob\r\nVia: {VIA}"))),
    );
    record("sethost-space", flag(ksr::sethost("evil.example SIP/2.0")));
    record("setdsturi-garbage", flag(ksr::setdsturi("::garbage::")));
}
