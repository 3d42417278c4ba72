/*
| A simulated Liquidsoap for bench:streamer's many-station figures: it serves
| the same protocol on unix sockets and answers `station.status` with a steady
| state (the same request on air), so that only the monitor's cost is measured.
| Usage: node --import=ts-node-maintained/register/esm bench/fake_liquidsoap.ts SOCKET...
*/
import net from 'node:net'
import { rmSync } from 'node:fs'

const started = Date.now() / 1000
for (const path of process.argv.slice(2)) {
  rmSync(path, { force: true })
  net
    .createServer((socket) => {
      let buffer = ''
      socket.on('data', (chunk) => {
        buffer += chunk.toString()
        let end
        while ((end = buffer.indexOf('\n')) !== -1) {
          const line = buffer.slice(0, end).trim()
          buffer = buffer.slice(end + 1)
          const body = line.startsWith('station.status')
            ? JSON.stringify({
                started,
                now: Date.now() / 1000,
                active: 'music',
                rid: '1',
                source: 'rotation',
                uri: '/bench/a.mp3',
                filename: '/bench/a.mp3',
                first_on_air: started + 1,
                diffusion: '',
                resumed: '',
                remaining: 100.0,
                dealer_queue: 0,
                dealer_gate: 0.0,
                live: false,
                outputs: [['output_1', true]],
              })
            : 'OK'
          socket.write(`${body}\r\nEND\r\n`)
        }
      })
    })
    .listen(path)
}
process.stdout.write('ready\n')
