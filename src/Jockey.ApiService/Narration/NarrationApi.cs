using System.Net.WebSockets;
using Jockey.ApiService.Infrastructure;
using Jockey.ApiService.Threads;
using Microsoft.Extensions.Options;

namespace Jockey.ApiService.Narration;

public static class NarrationApi
{
    /// <summary><c>/api/ws/audio/{thread_id}</c>: the thread's narration audio as it is synthesized (docs/api.md).</summary>
    public static IEndpointConventionBuilder MapNarrationApi(this IEndpointRouteBuilder app)
    {
        // WebSocket support for this endpoint only, the way SignalR wires its own transport.
        var pipeline = app.CreateApplicationBuilder()
            .UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(20) })
            .Use(_ => AcceptAsync)
            .Build();
        return app.Map("/api/ws/audio/{thread_id}", pipeline)
            .WithName("NarrationAudio")
            .WithSummary("Narration audio of a thread over WebSocket: JSON status frames and binary PCM s16le chunks.")
            .WithTags("Narration");
    }

    private static async Task AcceptAsync(HttpContext context)
    {
        var threadId = context.GetRouteValue("thread_id") as string ?? "";
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await Results.Problem(
                title: "WebSocket required",
                detail: $"/api/ws/audio/{{thread_id}} streams audio over a WebSocket; connect with ws:// (or wss://) and the Upgrade header.",
                statusCode: StatusCodes.Status400BadRequest).ExecuteAsync(context);
            return;
        }

        var services = context.RequestServices;
        var options = services.GetRequiredService<IOptions<NarrationOptions>>().Value;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(NarrationApi));
        using var socket = await context.WebSockets.AcceptWebSocketAsync();

        try
        {
            var threads = services.GetRequiredService<ThreadStore>();
            var refusal = !ThreadStore.IsWellFormedId(threadId) ? "not a valid thread id; call POST /api/process/init for one"
                : await threads.GetAsync(threadId) is null || !await threads.IsOwnedByAsync(threadId, context.User) ? UnknownThread.Message(threadId)
                : !options.Enabled ? "narration is turned off on this server (Narration:Enabled)"
                : null;
            if (refusal is not null)
            {
                await CloseAsync(socket, WebSocketCloseStatus.PolicyViolation, refusal, context.RequestAborted);
                return;
            }

            logger.LogInformation("Narration socket opened on thread {ThreadId}", threadId);
            var session = new AudioSocket(socket, threadId, services.GetRequiredService<AudioRelay>(),
                services.GetRequiredService<AudioListeners>(), options, logger);
            await session.RunAsync(context.RequestAborted, services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
            logger.LogInformation("Narration socket closed on thread {ThreadId}", threadId);
        }
        catch (Exception ex) when (RedisOutage.IsRedisFailure(ex))
        {
            logger.LogWarning(ex, "Narration socket on thread {ThreadId} could not reach Redis", threadId);
            await CloseAsync(socket, WebSocketCloseStatus.InternalServerError, "narration audio is unavailable: Redis is not reachable; reconnect in a moment", context.RequestAborted);
        }
    }

    private static async Task CloseAsync(WebSocket socket, WebSocketCloseStatus status, string reason, CancellationToken ct)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived)) return;
        try
        {
            // Close reasons are limited to 123 bytes by the protocol.
            await socket.CloseOutputAsync(status, reason.Length > 120 ? reason[..120] : reason, ct);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The client is gone already.
        }
    }
}
