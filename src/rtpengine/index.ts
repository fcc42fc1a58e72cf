// The media relay client (rtpengine's ng protocol) the KSR rtpengine functions use: README.md.
export { type BDict, type BValue, decode, encode } from './bencode.ts';
export { type KamailioFlags, type ParsedFlags, parseFlags } from './flags.ts';
export { NG_DEFAULTS, NgClient, type NgInstance, type NgOutcome, type NgSettings } from './ng-client.ts';
