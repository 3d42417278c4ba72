/*
| doctor's RadioVIS lines, once a station has a RadioVIS topic: each running
| radiovis:serve answers a STOMP CONNECT, the broker (when there is one)
| accepts a connection, and one process holds the producer's lease.
*/
import { connect } from 'node:net'
import amqp from 'amqplib'
import db from '@adonisjs/lucid/services/db'
import antenneConfig from '#config/antenne'
import Station from '#models/station'
import RadiovisServer from '#models/radiovis_server'

/** health_checks.ts's HealthCheck (importing it from there would be a cycle). */
interface HealthCheck {
  name: string
  ok: boolean
  detail: string
  fix?: string
}

/** Resolves with the server's answer to CONNECT: its first line, or why there is none. */
export function stompAnswer(host: string, port: number, timeout: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, host)
    let data = ''
    const done = (answer: string) => {
      clearTimeout(timer)
      socket.destroy()
      resolve(answer)
    }
    const timer = setTimeout(() => done(`no answer within ${timeout} ms`), timeout)
    socket.on('connect', () =>
      socket.write('CONNECT\naccept-version:1.2,1.1,1.0\nhost:/\nheart-beat:0,0\n\n\0')
    )
    socket.on('data', (chunk) => {
      data += chunk.toString()
      if (data.includes('\n')) done(data.slice(0, data.indexOf('\n')))
    })
    socket.on('error', (error) => done((error as NodeJS.ErrnoException).code ?? error.message))
  })
}

export async function radiovisChecks(timeout: number): Promise<HealthCheck[]> {
  const stations = await Station.query()
    .withScopes((s) => s.active())
    .whereNotNull('radiovis_topic')
  if (!stations.length) return []
  const checks: HealthCheck[] = []
  const servers = await RadiovisServer.query().withScopes((s) => s.alive())
  const targets = servers.length
    ? servers.map((s) => ({ name: s.name, listen: s.listen, receivers: s.receivers }))
    : [
        {
          name: 'radiovis:serve',
          listen: `${antenneConfig.radiovis.host}:${antenneConfig.radiovis.port}`,
          receivers: 0,
        },
      ]
  for (const target of targets) {
    const at = target.listen.lastIndexOf(':')
    const host = target.listen.slice(0, at).replace(/^(0\.0\.0\.0|::)$/, '127.0.0.1')
    const answer = await stompAnswer(host, Number(target.listen.slice(at + 1)), timeout)
    checks.push(
      answer === 'CONNECTED'
        ? {
            name: `radiovis: ${target.name}`,
            ok: true,
            detail: `STOMP on ${target.listen}, ${target.receivers} receiver(s)`,
          }
        : {
            name: `radiovis: ${target.name}`,
            ok: false,
            detail: `STOMP on ${target.listen}: ${answer}`,
            fix: 'start it: systemctl start antenne-radiovis (node ace streamer:unit --service radiovis)',
          }
    )
  }
  const url = antenneConfig.radiovis.url
  if (url) {
    const shown = url.replace(/\/\/[^@/]*@/, '//')
    const answer = await amqp
      .connect(url, { timeout })
      .then(async (connection) => {
        await connection.close()
        return null
      })
      .catch((error: Error) => error.message)
    checks.push(
      answer === null
        ? { name: 'radiovis: broker', ok: true, detail: `RabbitMQ at ${shown}` }
        : {
            name: 'radiovis: broker',
            ok: false,
            detail: `RabbitMQ at ${shown}: ${answer}`,
            fix: 'start RabbitMQ (systemctl start rabbitmq-server) or check ANTENNE_RADIOVIS_URL; the servers read the database meanwhile',
          }
    )
  }
  const lease = await db
    .from('leases')
    .where('name', 'radiovis')
    .where('expires_at', '>', Date.now())
    .first()
  checks.push(
    lease
      ? { name: 'radiovis: producer', ok: true, detail: `messages produced by ${lease.holder}` }
      : {
          name: 'radiovis: producer',
          ok: false,
          detail: 'no process produces messages: receivers see nothing new',
          fix: 'start radiovis:serve (or events:deliver with ANTENNE_RADIOVIS_URL)',
        }
  )
  return checks
}
