// The peer: what a team would otherwise build for live fan-out across replicas — Socket.IO with the Redis adapter,
// a room per thread. It does the same job as Jockey's event log for a fair comparison: each published event gets
// the thread's next seq and is appended to a Redis Stream in one script (as Jockey's append does), then goes to
// the thread's room on every instance through the adapter.
//
//   PORT=4001 REDIS_URL=redis://:password@127.0.0.1:6379 node server.js
//
// Client → server: `subscribe` (thread_id, ack), `publish` ({thread_id, operation_id, text, type, name, data}).
// Server → client: `update` (the event with its seq, the same JSON shape as Jockey's).
//
// The floor: `GET /api/stream?thread_id=` is a bare SSE stream, and a `publish` with `bare: true` goes to those streams
// instead of the room — the same append, one Redis PUBLISH of the encoded frame, and on each instance one write of
// those bytes per stream, with no framework in between. The least a server on this path can do per delivery.
'use strict'
const http = require('node:http')
const { Server } = require('socket.io')
const { createAdapter } = require('@socket.io/redis-adapter')
const { createClient } = require('redis')

const port = Number(process.env.PORT ?? 0)
const redisUrl = process.env.REDIS_URL
if (!redisUrl) {
  console.error('REDIS_URL is required, e.g. redis://:password@127.0.0.1:6379')
  process.exit(2)
}

// HINCRBY + XADD in one round trip, like Jockey's append script; returns the seq.
const APPEND = `
local seq = redis.call('HINCRBY', KEYS[1], 'last_seq', 1)
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], seq .. '-0', 'e', '{"seq":' .. seq .. ',' .. ARGV[1])
redis.call('EXPIRE', KEYS[1], 86400)
redis.call('EXPIRE', KEYS[2], 86400)
return seq`

async function main() {
  const pub = createClient({ url: redisUrl })
  const sub = pub.duplicate()
  const store = pub.duplicate()
  for (const client of [pub, sub, store]) client.on('error', err => console.error('redis:', err.message))
  await Promise.all([pub.connect(), sub.connect(), store.connect()])

  const streams = new Map() // thread id → the bare SSE responses on this instance
  await sub.subscribe('peer-bare', message => {
    const newline = message.indexOf('\n')
    const audience = streams.get(message.slice(0, newline))
    if (!audience) return
    const frame = Buffer.from(message.slice(newline + 1))
    for (const res of audience) res.write(frame)
  })

  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://peer')
    if (url.pathname === '/api/stream') {
      const threadId = url.searchParams.get('thread_id')
      if (!streams.has(threadId)) streams.set(threadId, new Set())
      streams.get(threadId).add(res)
      req.on('close', () => {
        const audience = streams.get(threadId)
        audience?.delete(res)
        if (audience?.size === 0) streams.delete(threadId)
      })
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
      res.flushHeaders()
      return
    }
    res.writeHead(url.pathname === '/health' ? 200 : 404, { 'content-type': 'text/plain' })
    res.end(url.pathname === '/health' ? 'Healthy' : 'Not found')
  })
  const io = new Server(server, { adapter: createAdapter(pub, sub, { key: 'peer' }), serveClient: false, cors: { origin: false } })

  io.on('connection', socket => {
    socket.on('subscribe', (threadId, ack) => {
      socket.join(`thread:${threadId}`)
      if (typeof ack === 'function') ack({ ok: true })
    })
    socket.on('publish', async ev => {
      const { thread_id: threadId, bare, ...rest } = ev
      // Replies on one connection come back in send order, so emits keep seq order.
      const body = JSON.stringify(rest).slice(1)
      const seq = await store.eval(APPEND, { keys: [`peer:thread:${threadId}`, `peer:thread:${threadId}:events`], arguments: [body, '10000'] })
      // Jockey's message frame: id = seq, the event JSON as data.
      if (bare) await pub.publish('peer-bare', `${threadId}\nid: ${seq}\nevent: message\ndata: {"seq":${seq},${body}\n\n`)
      else io.to(`thread:${threadId}`).emit('update', { seq, ...rest })
    })
  })

  server.listen(port, '127.0.0.1', () => console.log(`peer listening on http://127.0.0.1:${server.address().port}`))
  const stop = () => { io.close(); Promise.allSettled([pub.quit(), sub.quit(), store.quit()]).finally(() => process.exit(0)) }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

main().catch(err => {
  console.error(`peer failed to start: ${err.message} — is Redis at REDIS_URL running?`)
  process.exit(1)
})
