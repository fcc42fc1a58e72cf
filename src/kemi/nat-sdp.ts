// The SDP side of nathelper: the media addresses nat_uac_test's bits 8 and 256 read, and fix_nated_sdp's
// rewrite (Kamailio 5.6's ki_fix_nated_sdp_ip): a=rtcp, c= and o= addresses replaced, each replaced one
// kept as a=oldmediaip (append_sdp_oldmediaip 1), a=direction:active per media and a=nortpproxy:yes added.
// Works on the body as text; the caller puts the result back through setBody within the message budget.

/** fix_nated_sdp's mode bits. */
export const ADD_DIRECTION = 0x01;
export const FIX_MEDIA_IP = 0x02;
export const ADD_NO_RTPPROXY = 0x04;
export const FIX_ORIGIN_IP = 0x08;

const NO_RTPPROXY = 'a=nortpproxy:yes';
const DIRECTION = 'a=direction:active';

interface Line {
  readonly text: string;
  /** The line ending as it was ('\r\n', '\n' or '' for a last line without one). */
  readonly eol: string;
}

function splitLines(body: string): Line[] {
  const lines: Line[] = [];
  const re = /([^\r\n]*)(\r\n|\n|\r|$)/g;
  for (let m = re.exec(body); m !== null && m.index < body.length; m = re.exec(body))
    lines.push({ text: m[1], eol: m[2] });
  return lines;
}

/** The address of an `IN IP4 a` / `IN IP6 a` line (c=, o=, a=rtcp), its family, and where it starts. */
function addressOf(text: string): { family: 4 | 6; address: string; at: number } | undefined {
  const m = /(^|[\s:])IP([46])[ \t]+(\S+)/.exec(text);
  if (!m) return undefined;
  return { family: m[2] === '4' ? 4 : 6, address: m[3], at: m.index + m[0].length - m[3].length };
}

function isNullAddress(address: string, family: 4 | 6): boolean {
  return family === 6 ? /^[0:]+$/.test(address) : address === '0.0.0.0';
}

/**
 * The connection address of each media description (its own c=, else the session's), in order; undefined
 * when the body is no SDP. Kamailio's sdp_1918 stops at the first that is not IPv4 or is the null address.
 */
export function mediaAddresses(body: string): { family: 4 | 6; address: string }[] | undefined {
  const lines = splitLines(body);
  if (!lines.some((l) => l.text.startsWith('v='))) return undefined;
  let session: { family: 4 | 6; address: string } | undefined;
  const media: ({ family: 4 | 6; address: string } | undefined)[] = [];
  for (const { text } of lines) {
    if (text.startsWith('m=')) media.push(session);
    else if (text.startsWith('c=')) {
      const found = addressOf(text);
      const address = found && { family: found.family, address: found.address };
      if (media.length === 0) session = address;
      else media[media.length - 1] = address;
    }
  }
  return media.filter((m) => m !== undefined);
}

/** `replaced`: addresses replaced (Kamailio answers 1 for some, 2 for none, whatever lines it added). */
export type SdpRewrite = { ok: true; body: string; replaced: number } | { ok: false; why: string };

/** The body fix_nated_sdp(`mode`, `ip`) makes of `body`. */
export function rewriteSdp(body: string, mode: number, ip: string): SdpRewrite {
  let lines = splitLines(body);
  const eol = lines.find((l) => l.eol !== '')?.eol ?? '\r\n';
  let replaced = 0;
  if (mode & ADD_DIRECTION) {
    // After the last line of each media description.
    const out: Line[] = [];
    lines.forEach((line, i) => {
      out.push(line);
      const next = lines[i + 1];
      const inMedia = lines.slice(0, i + 1).some((l) => l.text.startsWith('m='));
      if (inMedia && (next === undefined || next.text.startsWith('m='))) {
        if (line.eol === '') out[out.length - 1] = { text: line.text, eol };
        out.push({ text: DIRECTION, eol });
      }
    });
    lines = out;
  }
  if (mode & ADD_NO_RTPPROXY) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last].eol === '') lines[last] = { text: lines[last].text, eol };
    lines.push({ text: NO_RTPPROXY, eol });
  }
  if (mode & (FIX_MEDIA_IP | FIX_ORIGIN_IP)) {
    const old: string[] = [];
    const replace = (prefix: string, canOmit: boolean): string | undefined => {
      let family: 4 | 6 | undefined;
      for (let i = 0; i < lines.length; i++) {
        const { text } = lines[i];
        if (!text.startsWith(prefix)) continue;
        const found = addressOf(text);
        if (found === undefined) {
          if (canOmit) continue;
          return `no IP4/IP6 address in a '${prefix}' line`;
        }
        if (family !== undefined && family !== found.family)
          return `mismatching address families in '${prefix}'`;
        family = found.family;
        if (isNullAddress(found.address, found.family) || found.address === ip) continue;
        lines[i] = {
          text: text.slice(0, found.at) + ip + text.slice(found.at + found.address.length),
          eol: lines[i].eol,
        };
        old.push(`${found.family === 6 ? 'a=oldmediaip6:' : 'a=oldmediaip:'}${found.address}`);
        replaced++;
      }
      return undefined;
    };
    const problem =
      replace('a=rtcp', true) ??
      ((mode & FIX_MEDIA_IP) !== 0 ? replace('c=', false) : undefined) ??
      ((mode & FIX_ORIGIN_IP) !== 0 ? replace('o=', false) : undefined);
    if (problem !== undefined) return { ok: false, why: problem };
    if (old.length > 0) {
      const last = lines.length - 1;
      if (lines[last].eol === '') lines[last] = { text: lines[last].text, eol };
      for (const text of old) lines.push({ text, eol });
    }
  }
  return { ok: true, body: lines.map((l) => l.text + l.eol).join(''), replaced };
}
