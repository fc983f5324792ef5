import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  413: 'Payload Too Large',
  431: 'Request Header Fields Too Large',
};

/** A complete, closing HTTP/1.1 answer written straight to a socket. */
function rawAnswer(socket: Duplex, status: number): void {
  const body = JSON.stringify({ message: STATUS_TEXT[status] ?? 'Bad Request' });
  if (socket.writable && !socket.destroyed) {
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Bad Request'}\r\n` +
        'content-type: application/json\r\n' +
        `content-length: ${Buffer.byteLength(body)}\r\n` +
        'connection: close\r\n\r\n' +
        body,
    );
  } else {
    socket.destroy();
  }
}

function statusFor(error: NodeJS.ErrnoException): number {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return 431;
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return 408;
    default:
      return 400;
  }
}

/**
 * Makes sure no request can take the process down and every one gets an HTTP answer where the
 * socket still allows it, as a function URL's front end does: requests Node's parser refuses
 * (bad request lines, oversized or malformed headers, bad chunking) get a 400/408/431, `CONNECT`
 * requests a 405, and socket errors of clients that went away are ignored.
 */
export function hardenServer(server: Server): Server {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    socket.on('error', () => undefined);
    // A reset or closed connection has no one left to answer.
    if (error.code === 'ECONNRESET' || error.code === 'EPIPE' || !socket.writable) {
      socket.destroy();
      return;
    }
    rawAnswer(socket, statusFor(error));
  });
  const refuse = (_req: unknown, socket: Duplex) => {
    socket.on('error', () => undefined);
    rawAnswer(socket, 405);
  };
  // Function URLs do not tunnel; without a listener Node drops a CONNECT without an answer.
  // (No 'upgrade' listener on purpose: Node then serves an `Upgrade:` request as a plain one.)
  server.on('connect', refuse);
  server.on('connection', (socket: Duplex) => socket.on('error', () => undefined));
  return server;
}
