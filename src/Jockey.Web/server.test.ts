// The production server against a real upstream HTTP server on a loopback port.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createWebServer, isProxied, mediaOriginOf, pathProblem } from './server.mjs'

let dist: string
let api: http.Server
let web: http.Server
let webUrl: string

const listen = (server: http.Server) =>
  new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)))
const close = (server: http.Server) => new Promise((resolve) => server.close(resolve))

beforeAll(async () => {
  dist = await mkdtemp(path.join(os.tmpdir(), 'jockey-web-'))
  await mkdir(path.join(dist, 'assets'))
  await writeFile(path.join(dist, 'index.html'), '<!doctype html><div id="root"></div>')
  await writeFile(path.join(dist, 'assets', 'app-123.js'), 'console.log(1)')

  // A stand-in API that reports what it received, and echoes bytes on an upgraded socket.
  api = http.createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      res.writeHead(201, { 'content-type': 'application/json', 'x-api': 'yes' })
      res.end(JSON.stringify({ method: req.method, url: req.url, body, host: req.headers.host, forwardedHost: req.headers['x-forwarded-host'], principal: req.headers['x-ms-client-principal-id'] }))
    })
  })
  api.on('upgrade', (req, socket) => {
    if (req.url?.startsWith('/api/plain')) {
      // What ASP.NET answers an upgrade on a route that is no WebSocket: a chunked body.
      socket.end('HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n5\r\nnope!\r\n0\r\n\r\n')
      return
    }
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nX-Path: ${req.url}\r\n\r\n`)
    socket.on('data', (chunk) => socket.write(Buffer.concat([Buffer.from('echo:'), chunk])))
    socket.on('end', () => socket.end())
  })
  const apiPort = await listen(api)
  web = createWebServer({ distDir: dist, apiUrl: `http://127.0.0.1:${apiPort}`, mediaOrigin: 'https://stjockey.blob.core.windows.net' })
  webUrl = `http://127.0.0.1:${await listen(web)}`
})

afterAll(async () => {
  web.closeAllConnections()
  api.closeAllConnections()
  await close(web)
  await close(api)
  await rm(dist, { recursive: true, force: true })
})

describe('web server', () => {
  it('sends pages with a CSP that allows this origin, blob storage and blob: media, and no framing', async () => {
    const res = await fetch(`${webUrl}/?thread=abc`)
    const csp = res.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("script-src 'self';")
    expect(csp).toContain("media-src 'self' blob: https://stjockey.blob.core.windows.net")
    expect(csp).toContain("connect-src 'self' https://stjockey.blob.core.windows.net")
    expect(csp).toContain("worker-src 'self' blob:")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('referrer-policy')).toBe('no-referrer')
  })

  it('drops principal headers a browser sends: only the platform in front may vouch for a user', async () => {
    const res = await fetch(`${webUrl}/api/process`, { method: 'POST', body: '{}', headers: { 'x-ms-client-principal-id': 'someone', 'x-ms-client-principal-name': 'admin' } })
    const seen = await res.json()
    expect(seen.principal).toBeUndefined()

    const behindPlatform = createWebServer({ distDir: dist, apiUrl: `http://127.0.0.1:${(api.address() as AddressInfo).port}`, platformPrincipal: true })
    const port = await listen(behindPlatform)
    const passed = await fetch(`http://127.0.0.1:${port}/api/process`, { method: 'POST', body: '{}', headers: { 'x-ms-client-principal-id': 'user-1' } })
    expect((await passed.json()).principal).toBe('user-1')
    behindPlatform.closeAllConnections()
    await close(behindPlatform)
  })

  it("leaves the API's own headers on what it passes on", async () => {
    const res = await fetch(`${webUrl}/api/process?x=1`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })
    expect(res.headers.get('content-security-policy')).toBeNull()
  })

  it('passes /api requests to the API with their method, path, query and body', async () => {
    const res = await fetch(`${webUrl}/api/process?x=1`, { method: 'POST', body: '{"text":"hi"}', headers: { 'content-type': 'application/json' } })
    expect(res.status).toBe(201)
    expect(res.headers.get('x-api')).toBe('yes')
    const seen = await res.json()
    expect(seen).toMatchObject({ method: 'POST', url: '/api/process?x=1', body: '{"text":"hi"}' })
    expect(seen.forwardedHost).toBe(new URL(webUrl).host)
  })

  it('passes /hubs requests to the API', async () => {
    const res = await fetch(`${webUrl}/hubs/jockey/negotiate?negotiateVersion=1`, { method: 'POST' })
    expect((await res.json()).url).toBe('/hubs/jockey/negotiate?negotiateVersion=1')
  })

  it('tunnels a WebSocket upgrade on /api/ws/audio to the API', async () => {
    const port = Number(new URL(webUrl).port)
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.write('GET /api/ws/audio/t1 HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n')
      })
      let text = ''
      socket.on('data', (chunk) => {
        text += chunk.toString()
        if (text.includes('\r\n\r\n') && !text.includes('echo:')) socket.write('ping')
        if (text.includes('echo:ping')) {
          socket.destroy()
          resolve(text)
        }
      })
      socket.on('error', reject)
    })
    expect(reply).toMatch(/^HTTP\/1.1 101/)
    expect(reply).toContain('X-Path: /api/ws/audio/t1')
    expect(reply).toContain('echo:ping')
  })

  it('serves the app for its own routes and hashed assets with a long cache', async () => {
    const page = await fetch(`${webUrl}/?thread=abc`)
    expect(page.headers.get('content-type')).toContain('text/html')
    expect(page.headers.get('cache-control')).toBe('no-cache')
    expect(await page.text()).toContain('id="root"')
    expect(await (await fetch(`${webUrl}/conversations/abc`)).text()).toContain('id="root"')
    const asset = await fetch(`${webUrl}/assets/app-123.js`)
    expect(asset.headers.get('content-type')).toContain('text/javascript')
    expect(asset.headers.get('cache-control')).toContain('immutable')
  })

  it('answers 404 for a missing file instead of the app', async () => {
    expect((await fetch(`${webUrl}/assets/missing.js`)).status).toBe(404)
  })

  it.each(['/api/../health', '/api/%2e%2e/alive', '/api/%2E%2E/health', '/api/jockey/files/a%2f..%2fb', '/api/a%5cb', '/hubs/./jockey'])(
    'refuses %s with 400 before it reaches the API', async (target) => {
      const res = await rawRequest(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)
      expect(res).toMatch(/^HTTP\/1.1 400/)
      expect(res).toContain('application/problem+json')
      expect(res).not.toContain('x-api')
    })

  it('frames the API\'s refusal of an upgrade on a plain path as a valid answer that closes the connection', async () => {
    const res = await rawRequest('GET /api/plain HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n')
    const [head, body] = res.split('\r\n\r\n')
    expect(head).toMatch(/^HTTP\/1.1 404/)
    expect(head.toLowerCase()).not.toContain('transfer-encoding')
    expect(head.toLowerCase()).toContain('connection: close')
    expect(body).toBe('nope!')
  })

  it('never serves files outside dist', async () => {
    const res = await fetch(`${webUrl}/%2e%2e/%2e%2e/etc/passwd`)
    expect(await res.text()).not.toContain('root:')
  })
})

describe('web server without an API', () => {
  it('answers 502 with a problem that names the setting to fix', async () => {
    const lonely = createWebServer({ distDir: dist, apiUrl: 'http://127.0.0.1:9' })
    const port = await listen(lonely)
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/config`)
      expect(res.status).toBe(502)
      expect(res.headers.get('content-type')).toBe('application/problem+json')
      const detail = (await res.json()).detail
      expect(detail).toContain('services__apiservice__http__0')
      expect(detail).not.toContain('127.0.0.1:9') // the API's internal address stays in the server's log
    } finally {
      lonely.closeAllConnections()
      await close(lonely)
    }
  })
})

/** Sends raw bytes to the web server and returns everything it answers until it closes the connection. */
function rawRequest(bytes: string) {
  return new Promise<string>((resolve, reject) => {
    const socket = net.connect(Number(new URL(webUrl).port), '127.0.0.1', () => socket.write(bytes))
    let text = ''
    socket.on('data', (chunk) => (text += chunk.toString()))
    socket.on('end', () => resolve(text))
    socket.on('error', reject)
  })
}

describe('pathProblem', () => {
  it.each([
    ['/api/config?x=../y', null], ['/', null], ['/api/x%20y', null], ['/api/..', 'Dot'], ['http://evil/api/x', 'single /'], ['//evil/api', 'single /'], ['/api/%zz', 'percent'],
  ])('%s → %s', (url, expected) => {
    const problem = pathProblem(url)
    if (expected === null) expect(problem).toBeNull()
    else expect(problem).toContain(expected)
  })
})

describe('mediaOriginOf', () => {
  it.each([
    ['https://stjockey.blob.core.windows.net/', 'https://stjockey.blob.core.windows.net'],
    ['DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=k;BlobEndpoint=http://127.0.0.1:41234/devstoreaccount1;', 'http://127.0.0.1:41234'],
    [undefined, null],
    ['not a url', null],
  ])('%s → %s', (connection, origin) => expect(mediaOriginOf(connection)).toBe(origin))
})

describe('isProxied', () => {
  it.each([
    ['/api', true], ['/api/config', true], ['/hubs/jockey?id=1', true], ['/apiary', false], ['/', false], ['/assets/a.js', false],
  ])('%s → %s', (url, expected) => expect(isProxied(url)).toBe(expected))
})
