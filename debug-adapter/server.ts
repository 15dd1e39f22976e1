// The debug adapter as a TCP server (`vmscope dap --port N`): one session per connection, for DAP clients that
// connect to a port. It listens on 127.0.0.1 unless the user names another host.

import * as net from 'node:net';
import { VmscopeSession } from './session';

/** Starts the server; resolves with the port it listens on (pass 0 for any free port). */
export function startDapServer(port: number, host = '127.0.0.1'): Promise<net.Server & { port: number }> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((socket) => {
      const session = new VmscopeSession();
      session.setRunAsServer(true);
      session.start(socket, socket);
      socket.on('error', () => socket.destroy());
    });
    server.on('error', reject);
    server.listen(port, host, () => {
      const addr = server.address() as net.AddressInfo;
      resolve(Object.assign(server, { port: addr.port }));
    });
  });
}
