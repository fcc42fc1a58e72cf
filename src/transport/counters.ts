// Plain numbers the metrics layer reads; the transport only ever increments them.

export interface ProtoCounters {
  /** Messages handed to onMessage. */
  received: number;
  bytesReceived: number;
  /** Messages handed to the OS. */
  sent: number;
  bytesSent: number;
  /** Sends that returned an error result. */
  sendErrors: number;
  /** UDP: CRLF-only datagrams ignored. TCP: CRLFCRLF pings answered with a CRLF pong. */
  keepalives: number;
}

export interface TransportCounters {
  readonly udp: ProtoCounters;
  readonly tcp: ProtoCounters;
  readonly tls: ProtoCounters;
  readonly ws: ProtoCounters;
  readonly wss: ProtoCounters;
  /** TLS handshakes that failed, inbound (bad client certificate, protocol errors) and outbound. */
  tlsHandshakeFailures: number;
  /** The part of tlsHandshakeFailures where a next hop's certificate could not be verified. */
  tlsVerifyFailures: number;
  /** WebSocket upgrades refused: no `sip` subprotocol, or not an upgrade at all. */
  wsUpgradesRefused: number;
  /** WebSocket connections closed with 1009 because a frame exceeded maxMessageBytes. */
  wsOversizedFrames: number;
  /** UDP datagrams ignored as empty or larger than maxMessageBytes. */
  dropped: number;
  /** TCP streams closed because they could not be split into messages. */
  framingErrors: number;
  connectionsAccepted: number;
  connectionsOpened: number;
  /** Inbound connections closed at once because of maxInboundConnections or maxConnectionsPerIp. */
  connectionsRejected: number;
  /** The part of connectionsRejected refused by maxConnectionsPerIp. */
  connectionsRejectedPerIp: number;
  /** Outbound connects refused because maxOutboundConnections was reached (the send fails). */
  outboundRefused: number;
  /** Connections closed because a message was not complete within messageTimeoutMs of its first byte. */
  messageTimeouts: number;
  connectionsClosed: number;
  idleTimeouts: number;
  /** Socket errors outside a send (resets, listener errors). */
  socketErrors: number;
  /** Exceptions thrown by onMessage or onFramingError: a bug in the caller, logged and contained. */
  handlerErrors: number;
}

const proto = (): ProtoCounters => ({
  received: 0,
  bytesReceived: 0,
  sent: 0,
  bytesSent: 0,
  sendErrors: 0,
  keepalives: 0,
});

export function createCounters(): TransportCounters {
  return {
    udp: proto(),
    tcp: proto(),
    tls: proto(),
    ws: proto(),
    wss: proto(),
    tlsHandshakeFailures: 0,
    tlsVerifyFailures: 0,
    wsUpgradesRefused: 0,
    wsOversizedFrames: 0,
    dropped: 0,
    framingErrors: 0,
    connectionsAccepted: 0,
    connectionsOpened: 0,
    connectionsRejected: 0,
    connectionsRejectedPerIp: 0,
    outboundRefused: 0,
    messageTimeouts: 0,
    connectionsClosed: 0,
    idleTimeouts: 0,
    socketErrors: 0,
    handlerErrors: 0,
  };
}
