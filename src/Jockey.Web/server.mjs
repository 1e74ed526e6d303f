// @ts-check
// Production web server: serves the built app (dist/) with an SPA fallback and passes /api, /hubs
// (HTTP, SSE and WebSocket upgrades) to the API, so the browser sees one origin. Only node:http, so
// the runtime image needs no node_modules.
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import http from 'node:http'
import https from 'node:https'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const proxiedPrefixes = ['/api', '/hubs', '/openapi', '/scalar']
// Headers of an upstream answer that framed its body for the upstream connection, not for ours.
const reframed = new Set(['transfer-encoding', 'content-length', 'connection', 'keep-alive'])
const hopByHop = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade'])
const contentTypes = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
}

/**
 * Why a request target must not be served, or null when it may. Dot segments and encoded slashes are refused
 * outright rather than normalized: `/api/../health` or `/api/%2e%2e/alive` would otherwise start with a public prefix
 * here and mean another path once the API decodes and normalizes it. Only origin-form targets (`/path`) are served.
 * @param {string | undefined} url
 */
export function pathProblem(url) {
  const raw = (url ?? '').split('?')[0]
  if (!raw.startsWith('/') || raw.startsWith('//')) return 'The request target must be a path starting with a single /.'
  if (/%2f|%5c|\\/i.test(raw)) return 'Encoded slashes and backslashes are not allowed in a path.'
  let decoded
  try {
    decoded = decodeURIComponent(raw)
  } catch {
    return 'The path is not valid percent-encoding.'
  }
  if (decoded.split('/').some((segment) => segment === '.' || segment === '..')) return 'Dot segments (. and ..) are not allowed in a path.'
  return null
}

/**
 * The origin of blob storage, where the browser fetches videos and narration (SAS URLs), from Aspire's connection
 * string (`ConnectionStrings__blobs`: an account endpoint URL in Azure, a connection string with BlobEndpoint for Azurite).
 * @param {string | undefined} connectionString
 * @returns {string | null}
 */
export function mediaOriginOf(connectionString) {
  if (!connectionString) return null
  const endpoint = /(?:^|;)\s*BlobEndpoint=([^;]+)/i.exec(connectionString)?.[1] ?? connectionString
  try {
    return new URL(endpoint.trim()).origin
  } catch {
    return null
  }
}

/**
 * Headers on every page and file this server sends (the API's answers carry the API's own). The CSP allows scripts
 * and styles from this origin only; media and images also from blob storage and from `blob:` URLs (the video preview
 * feeds the player through Media Source Extensions, hls.js in a `blob:` worker); connections to this origin (the API,
 * SSE, the hub and the audio socket are all same-origin) and to blob storage; and no framing by any page.
 * @param {string | null} mediaOrigin
 * @returns {Record<string, string>}
 */
export function securityHeaders(mediaOrigin) {
  const media = mediaOrigin ? ` ${mediaOrigin}` : ''
  const policy = [
    "default-src 'self'",
    "script-src 'self'",
    // React sets style attributes through the DOM, which CSP allows; inline style elements come from Vite's CSS only in dev.
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob:${media}`,
    `media-src 'self' blob:${media}`,
    `connect-src 'self'${media}`,
    "worker-src 'self' blob:",
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ')
  return {
    'content-security-policy': policy,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
  }
}

/** @param {string | undefined} url */
export function isProxied(url) {
  const pathname = (url ?? '/').split('?')[0]
  return proxiedPrefixes.some((p) => pathname === p || pathname.startsWith(`${p}/`))
}

/**
 * `platformPrincipal`: pass on the `X-MS-CLIENT-PRINCIPAL*` headers, which the API believes from this server in
 * `Auth:Mode` entra. Only where Container Apps' built-in authentication sits in front (it replaces whatever the browser
 * sent; `infra/` sets AUTH_MODE=entra there); anywhere else they are the browser's own words and are dropped.
 * @param {{ distDir: string, apiUrl: string, mediaOrigin?: string | null, platformPrincipal?: boolean }} options
 * @returns {http.Server}
 */
export function createWebServer({ distDir, apiUrl, mediaOrigin = null, platformPrincipal = false }) {
  const pageHeaders = securityHeaders(mediaOrigin)
  const target = new URL(apiUrl)
  const client = target.protocol === 'https:' ? https : http
  const root = path.resolve(distDir)

  /** @param {http.IncomingMessage} req */
  const upstreamOptions = (req, keepUpgrade = false) => {
    /** @type {http.OutgoingHttpHeaders} */
    const headers = {}
    for (const [name, value] of Object.entries(req.headers)) {
      if (!platformPrincipal && name.startsWith('x-ms-client-principal')) continue
      if (keepUpgrade || !hopByHop.has(name)) headers[name] = value
    }
    headers.host = target.host
    headers['x-forwarded-host'] = req.headers.host ?? ''
    headers['x-forwarded-proto'] = 'encrypted' in req.socket && req.socket.encrypted ? 'https' : 'http'
    headers['x-forwarded-for'] = [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ')
    return { protocol: target.protocol, hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers }
  }

  /** @param {http.ServerResponse} res @param {Error} error */
  const unreachable = (res, error) => {
    const reason = /** @type {NodeJS.ErrnoException} */ (error).code ?? error.message
    // The API's internal address goes to the server's log, never to the browser.
    console.error(`Jockey web: the API at ${target.origin} is not reachable (${reason})`)
    if (res.headersSent) return res.destroy()
    problem(res, pageHeaders, 502, 'The Jockey API is not reachable',
      `The web server could not reach the API (${reason}). Start the API, or point services__apiservice__http__0 at it.`)
  }

  /** @param {http.IncomingMessage} req @param {http.ServerResponse} res */
  const proxy = (req, res) => {
    const upstream = client.request(upstreamOptions(req), (up) => {
      /** @type {http.OutgoingHttpHeaders} */
      const headers = {}
      for (const [name, value] of Object.entries(up.headers)) if (!hopByHop.has(name)) headers[name] = value
      res.writeHead(up.statusCode ?? 502, up.statusMessage, headers)
      up.pipe(res)
    })
    upstream.on('error', (error) => unreachable(res, error))
    // The browser went away (closed tab, SSE reconnect): stop the upstream request too.
    res.on('close', () => upstream.destroy())
    req.pipe(upstream)
  }

  /** @param {http.IncomingMessage} req @param {import('node:stream').Duplex} socket @param {Buffer} head */
  const proxyUpgrade = (req, socket, head) => {
    const upstream = client.request(upstreamOptions(req, true))
    const fail = () => socket.end('HTTP/1.1 502 Bad Gateway\r\nconnection: close\r\n\r\n')
    upstream.on('error', fail)
    socket.on('error', () => upstream.destroy())
    upstream.on('upgrade', (up, upSocket, upHead) => {
      socket.write(statusBlock(101, up.statusMessage ?? 'Switching Protocols', up.rawHeaders))
      if (upHead.length) socket.write(upHead)
      if (head.length) upSocket.write(head)
      // Either side closing closes both; upgraded sockets are no longer tracked by the HTTP server.
      upSocket.on('error', () => socket.destroy())
      upSocket.on('close', () => socket.destroy())
      socket.on('close', () => upSocket.destroy())
      upSocket.pipe(socket).pipe(upSocket)
    })
    // The API refused to upgrade (unknown route, bad request): pass its answer on. Node has already decoded a chunked
    // body, so the answer is framed anew: no length, no chunking, and the connection closes after the body.
    upstream.on('response', (up) => {
      const pairs = []
      for (let i = 0; i < up.rawHeaders.length; i += 2) {
        if (!reframed.has(up.rawHeaders[i].toLowerCase())) pairs.push(up.rawHeaders[i], up.rawHeaders[i + 1])
      }
      socket.write(statusBlock(up.statusCode ?? 502, up.statusMessage ?? '', [...pairs, 'connection', 'close']))
      up.pipe(socket)
    })
    upstream.end()
  }

  /** @param {http.IncomingMessage} req @param {http.ServerResponse} res */
  const serveStatic = async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...pageHeaders, allow: 'GET, HEAD' }).end()
      return
    }
    let pathname
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
    } catch {
      res.writeHead(400, pageHeaders).end('Bad path')
      return
    }
    const file = path.join(root, path.normalize(pathname))
    const inside = file.startsWith(root + path.sep)
    const found = inside && (await stat(file).catch(() => null))
    if (found && found.isFile()) return send(req, res, file, found.size, pathname.startsWith('/assets/'), pageHeaders)
    if (path.extname(pathname)) {
      res.writeHead(404, { ...pageHeaders, 'content-type': 'text/plain; charset=utf-8' }).end('Not found')
      return
    }
    // Any other route is the app's own (e.g. /?thread=…): serve index.html and let React decide.
    const index = path.join(root, 'index.html')
    const indexStat = await stat(index).catch(() => null)
    if (!indexStat) {
      res.writeHead(503, { ...pageHeaders, 'content-type': 'text/plain; charset=utf-8' }).end('The app is not built: run `npm run build` in src/Jockey.Web.')
      return
    }
    send(req, res, index, indexStat.size, false, pageHeaders)
  }

  return http
    .createServer((req, res) => {
      const refused = pathProblem(req.url)
      if (refused) problem(res, pageHeaders, 400, 'Bad path', refused)
      else if (isProxied(req.url)) proxy(req, res)
      else void serveStatic(req, res)
    })
    .on('upgrade', (req, socket, head) => {
      if (!pathProblem(req.url) && isProxied(req.url)) proxyUpgrade(req, socket, head)
      else socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n')
    })
}

/**
 * @param {http.IncomingMessage} req @param {http.ServerResponse} res @param {string} file @param {number} size @param {boolean} immutable
 * @param {Record<string, string>} headers
 */
function send(req, res, file, size, immutable, headers) {
  res.writeHead(200, {
    ...headers,
    'content-type': contentTypes[/** @type {keyof typeof contentTypes} */ (path.extname(file))] ?? 'application/octet-stream',
    'content-length': size,
    // Hashed asset names change with their content; index.html must always be checked.
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  })
  if (req.method === 'HEAD') res.end()
  else createReadStream(file).pipe(res)
}

/** @param {http.ServerResponse} res @param {Record<string, string>} headers @param {number} status @param {string} title @param {string} detail */
function problem(res, headers, status, title, detail) {
  res.writeHead(status, { ...headers, 'content-type': 'application/problem+json', 'cache-control': 'no-store' })
  res.end(JSON.stringify({ type: 'about:blank', title, status, detail }))
}

/** @param {number} status @param {string} message @param {string[]} rawHeaders */
function statusBlock(status, message, rawHeaders) {
  let block = `HTTP/1.1 ${status} ${message}\r\n`
  for (let i = 0; i < rawHeaders.length; i += 2) block += `${rawHeaders[i]}: ${rawHeaders[i + 1]}\r\n`
  return `${block}\r\n`
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const here = path.dirname(fileURLToPath(import.meta.url))
  const apiUrl = process.env.services__apiservice__http__0 ?? process.env.services__apiservice__https__0 ?? 'http://127.0.0.1:9000'
  const port = Number(process.env.PORT ?? 5173)
  // Loopback unless told otherwise; a container sets HOST=0.0.0.0.
  const host = process.env.HOST ?? '127.0.0.1'
  const server = createWebServer({
    distDir: path.join(here, 'dist'),
    apiUrl,
    mediaOrigin: mediaOriginOf(process.env.ConnectionStrings__blobs),
    platformPrincipal: process.env.AUTH_MODE === 'entra',
  })
  server.listen(port, host, () => console.log(`Jockey web on http://${host}:${port} → API ${apiUrl}`))
  server.on('error', (error) => {
    console.error(`Jockey web could not listen on ${host}:${port}: ${error.message}. Set PORT to a free port.`)
    process.exit(1)
  })
  const stop = () => server.close(() => process.exit(0))
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}
