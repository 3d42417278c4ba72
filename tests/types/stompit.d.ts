/** The part of stompit (no types of its own) the RadioVIS tests use. */
declare module 'stompit' {
  import type { Readable } from 'node:stream'

  export interface Message extends Readable {
    headers: Record<string, string>
    readString(encoding: string, callback: (error: Error | null, body?: string) => void): void
  }

  export interface Client {
    subscribe(
      headers: Record<string, string>,
      callback: (error: Error | null, message: Message) => void
    ): { unsubscribe(): void }
    disconnect(callback?: (error: Error | null) => void): void
    destroy(error?: Error): void
    on(event: 'error', listener: (error: Error) => void): this
  }

  export interface ConnectOptions {
    host: string
    port: number
    connectHeaders?: Record<string, string>
  }

  export function connect(
    options: ConnectOptions,
    callback: (error: Error | null, client: Client) => void
  ): Client

  export class ConnectFailover {
    constructor(
      servers: ConnectOptions[],
      options?: {
        initialReconnectDelay?: number
        maxReconnectDelay?: number
        useExponentialBackOff?: boolean
        maxReconnects?: number
        randomize?: boolean
      }
    )
    connect(
      callback: (
        error: Error | null,
        client: Client,
        reconnect: () => void,
        server: { serverProperties: { connectOptions: ConnectOptions; remoteAddress: string } }
      ) => void
    ): { abort(): void }
    on(event: 'error', listener: (error: Error) => void): this
  }

  const stompit: { connect: typeof connect; ConnectFailover: typeof ConnectFailover }
  export default stompit
}
