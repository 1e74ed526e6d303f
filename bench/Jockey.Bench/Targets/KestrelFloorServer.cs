using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Jockey.Bench.Targets;

/// <summary>
/// The Kestrel floor: bare SSE streams on ASP.NET Core's own server, with the API's runtime settings (Workstation GC,
/// no thread-pool spin, sends on the writing thread) and nothing of Jockey's — no middleware, telemetry, sign-in,
/// event log or per-stream queue. What an SSE replica built on Kestrel costs at least: its memory per connection and
/// its idle CPU are the floor under Jockey's. It pings every stream every 30 s, as the API does (the Node floor does
/// not ping), and writes the frames the Node floor's producer publishes on Redis (<c>peer-bare</c>: the thread id, a
/// newline, the frame). Started by <see cref="KestrelFloorTarget"/> as a process of its own:
/// <c>Jockey.Bench --kestrel-floor PORT REDIS</c>. <c>JOCKEY_BENCH_FLOOR_PING_SECONDS</c> sets its ping interval (0: no
/// pings), to take its idle CPU apart: what Kestrel costs with nothing sent, and what the pings add.
/// </summary>
public static class KestrelFloorServer
{
    public const string Flag = "--kestrel-floor";
    private static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(
        int.TryParse(Environment.GetEnvironmentVariable("JOCKEY_BENCH_FLOOR_PING_SECONDS"), out var seconds) && seconds >= 0 ? seconds : 30);
    private static readonly byte[] Ping = ":\n\n"u8.ToArray();

    public static async Task<int> RunAsync(int port, string redisConnectionString)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Services.Configure<SocketTransportOptions>(options => options.UnsafePreferInlineScheduling = true);
        var app = builder.Build();
        var streams = new Streams();

        await using var redis = await ConnectionMultiplexer.ConnectAsync(redisConnectionString);
        var frames = await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal("peer-bare"));
        frames.OnMessage(message =>
        {
            var text = (string)message.Message!;
            var newline = text.IndexOf('\n', StringComparison.Ordinal);
            var frame = System.Text.Encoding.UTF8.GetBytes(text[(newline + 1)..]);
            foreach (var stream in streams.Of(text[..newline])) stream.Send(frame);
        });

        app.MapGet("/health", () => "Healthy");
        app.MapGet("/api/stream", async (HttpContext context, string thread_id) =>
        {
            context.Response.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            context.Features.GetRequiredFeature<IHttpResponseBodyFeature>().DisableBuffering();
            // The headers go out now, as Node's flushHeaders(): StartAsync alone leaves them in the pipe until a write is flushed.
            await context.Response.StartAsync();
            await context.Response.BodyWriter.FlushAsync();
            var stream = new SseResponse(context.Response.BodyWriter);
            streams.Add(thread_id, stream);
            var ended = new TaskCompletionSource();
            using (context.RequestAborted.UnsafeRegister(static state => ((TaskCompletionSource)state!).TrySetResult(), ended)) await ended.Task;
            streams.Remove(thread_id, stream);
        });

        using var pings = new PeriodicTimer(PingInterval == TimeSpan.Zero ? Timeout.InfiniteTimeSpan : PingInterval);
        var pinging = Task.Run(async () =>
        {
            while (await pings.WaitForNextTickAsync())
            {
                foreach (var stream in streams.All()) stream.Send(Ping);
            }
        });
        await app.RunAsync();
        pings.Dispose();
        await pinging;
        return 0;
    }

    /// <summary>The open streams by thread.</summary>
    private sealed class Streams
    {
        private readonly Dictionary<string, HashSet<SseResponse>> _byThread = [];
        private readonly Lock _gate = new();

        public void Add(string threadId, SseResponse stream)
        {
            lock (_gate)
            {
                if (!_byThread.TryGetValue(threadId, out var audience)) _byThread[threadId] = audience = [];
                audience.Add(stream);
            }
        }

        public void Remove(string threadId, SseResponse stream)
        {
            lock (_gate)
            {
                if (_byThread.TryGetValue(threadId, out var audience) && audience.Remove(stream) && audience.Count == 0) _byThread.Remove(threadId);
            }
        }

        public SseResponse[] Of(string threadId)
        {
            lock (_gate) return _byThread.TryGetValue(threadId, out var audience) ? [.. audience] : [];
        }

        public SseResponse[] All()
        {
            lock (_gate) return [.. _byThread.Values.SelectMany(audience => audience)];
        }
    }

    /// <summary>
    /// One stream's response: a frame is written and flushed by whoever sends it, under the response's lock. A frame sent
    /// while the socket is still taking the last one is appended, and goes with the flush that follows that one. A
    /// response that ended meanwhile (its client left) drops what it is sent.
    /// </summary>
    private sealed class SseResponse(PipeWriter writer)
    {
        private readonly Lock _gate = new();
        private bool _flushing;

        public void Send(ReadOnlySpan<byte> frame)
        {
            ValueTask<FlushResult> flush;
            lock (_gate)
            {
                try
                {
                    writer.Write(frame);
                    if (_flushing) return;
                    flush = writer.FlushAsync();
                }
                catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException or IOException)
                {
                    return;
                }
                if (flush.IsCompleted) return;
                _flushing = true;
            }
            _ = FlushRestAsync(flush);
        }

        private async Task FlushRestAsync(ValueTask<FlushResult> flush)
        {
            while (true)
            {
                try
                {
                    if ((await flush).IsCompleted) return;
                }
                catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException or ObjectDisposedException)
                {
                    return;
                }
                lock (_gate)
                {
                    try
                    {
                        flush = writer.FlushAsync();
                    }
                    catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException or IOException)
                    {
                        return;
                    }
                    if (flush.IsCompleted)
                    {
                        _flushing = false;
                        return;
                    }
                }
            }
        }
    }
}
