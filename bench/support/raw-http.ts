/**
 * The load generator's HTTP client for bench:calling: one kept-alive socket per simulated caller, each request
 * written as one string, each answer read by its status line and Content-Length. The generator shares the machine's
 * two cores with the servers and PostgreSQL; node:http (the client before) spent 0.3–0.5 ms of CPU per cycle,
 * 12–15% of the whole, on headers objects, parsers and streams a bench does not need. Only what the server sends is
 * read: a status, a Content-Length body (Fastify's), no chunked encoding (refused with an error, not misread).
 */
import net from 'node:net'

export interface RawAnswer {
  status: number
  body: string
}

export class RawConnection {
  readonly #socket: net.Socket
  #buffer = ''
  #waiting: { resolve: (answer: RawAnswer) => void; reject: (error: Error) => void } | undefined

  constructor(
    readonly host: string,
    readonly port: number,
  ) {
    this.#socket = net.connect({ host, port, noDelay: true })
    this.#socket.setEncoding('latin1')
    this.#socket.on('data', (chunk: string) => {
      this.#buffer += chunk
      this.#answer()
    })
    this.#socket.on('error', (error) => this.#fail(error))
    this.#socket.on('close', () => this.#fail(new Error('connection closed by the server')))
  }

  /** POST `path` with these header lines and this JSON body; one request at a time per connection. */
  post(path: string, headerLines: string, body = ''): Promise<RawAnswer> {
    if (this.#waiting) return Promise.reject(new Error('one request at a time on a connection'))
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject }
      this.#socket.write(
        `POST ${path} HTTP/1.1\r\nhost: ${this.host}:${this.port}\r\n${headerLines}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
        'latin1',
      )
    })
  }

  close() {
    this.#socket.destroy()
  }

  #answer() {
    const headEnd = this.#buffer.indexOf('\r\n\r\n')
    if (headEnd < 0 || !this.#waiting) return
    const head = this.#buffer.slice(0, headEnd).toLowerCase()
    if (head.includes('\r\ntransfer-encoding:')) {
      this.#fail(new Error('chunked answers are not read by this client'))
      return
    }
    const length = /\r\ncontent-length: *(\d+)/.exec(head)
    const bodyLength = length ? Number(length[1]) : 0
    if (this.#buffer.length < headEnd + 4 + bodyLength) return
    // Bytes were read as latin1 (one char per byte, so lengths are in bytes); the body is UTF-8.
    const body = Buffer.from(this.#buffer.slice(headEnd + 4, headEnd + 4 + bodyLength), 'latin1').toString('utf8')
    this.#buffer = this.#buffer.slice(headEnd + 4 + bodyLength)
    const waiting = this.#waiting
    this.#waiting = undefined
    waiting.resolve({ status: Number(head.slice(9, 12)), body })
  }

  #fail(error: Error) {
    const waiting = this.#waiting
    this.#waiting = undefined
    waiting?.reject(error)
  }
}
