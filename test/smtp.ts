import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'

export interface ReceivedMail {
  to: string[]
  raw: string
}

/** A real SMTP server in this process, collecting what it receives; `stop` and `start` simulate an outage. */
export async function startSmtpServer(port = 0) {
  const received: ReceivedMail[] = []
  const create = () =>
    new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = []
        stream.on('data', (chunk: Buffer) => chunks.push(chunk))
        stream.on('end', () => {
          received.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          })
          callback()
        })
      },
    })
  let server = create()
  const listen = () =>
    new Promise<number>((resolve) =>
      server.listen(port, '127.0.0.1', () => resolve((server.server.address() as AddressInfo).port)),
    )
  port = await listen()
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
    async start() {
      server = create()
      await listen()
    },
  }
}
