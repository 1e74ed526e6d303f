using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;

namespace Jockey.Bench.Clients;

/// <summary>What one narration looked like from a listening browser: when each kind of frame arrived, and how much audio.</summary>
public sealed record NarrationTimes(long FirstChunk, long LastChunk, long Bytes, int SampleRate, int Channels)
{
    public double AudioSeconds => Bytes / (double)(SampleRate * Channels * 2);
}

/// <summary>
/// <c>/api/ws/audio/{thread_id}</c> as the web app holds it: waits for <c>connected</c>, then times one operation's
/// <c>started</c> → binary PCM frames → <c>completed</c>, timing the chunks with the bench's clock.
/// </summary>
public sealed class NarrationListener : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly byte[] _buffer = new byte[64 * 1024];

    private NarrationListener()
    {
    }

    public static async Task<NarrationListener> ConnectAsync(Uri replica, string threadId, CancellationToken ct)
    {
        var listener = new NarrationListener();
        var uri = new UriBuilder(replica) { Scheme = "ws", Path = $"/api/ws/audio/{threadId}" }.Uri;
        await listener._socket.ConnectAsync(uri, ct);
        var (hello, _) = await listener.ReceiveAsync(ct);
        if (State(hello) != "connected") throw new InvalidOperationException($"Expected the connected frame first, got {hello}.");
        return listener;
    }

    /// <summary>Reads one operation's frames to its end; an error frame or a close fails the measurement.</summary>
    public async Task<NarrationTimes> ReceiveNarrationAsync(CancellationToken ct)
    {
        long first = 0, last = 0, bytes = 0;
        int rate = 0, channels = 0;
        while (true)
        {
            var (json, binary) = await ReceiveAsync(ct);
            var at = Stopwatch.GetTimestamp();
            if (json is null)
            {
                if (first == 0) first = at;
                last = at;
                bytes += binary;
                continue;
            }
            switch (State(json))
            {
                case "started":
                    var format = json.Value.GetProperty("format");
                    rate = format.GetProperty("sample_rate").GetInt32();
                    channels = format.GetProperty("channels").GetInt32();
                    break;
                case "completed":
                    return new NarrationTimes(first, last, bytes, rate, channels);
                default:
                    throw new InvalidOperationException($"Narration did not complete: {json}");
            }
        }
    }

    /// <summary>A text frame as JSON, or null and the byte count of a binary frame.</summary>
    private async Task<(JsonElement? Json, int Binary)> ReceiveAsync(CancellationToken ct)
    {
        var length = 0;
        while (true)
        {
            if (length == _buffer.Length) throw new InvalidOperationException("A frame larger than 64 KiB; chunks are at most 16 KiB.");
            var result = await _socket.ReceiveAsync(_buffer.AsMemory(length), ct);
            if (result.MessageType == WebSocketMessageType.Close) throw new InvalidOperationException($"The audio socket closed: {_socket.CloseStatus} {_socket.CloseStatusDescription}");
            length += result.Count;
            if (!result.EndOfMessage) continue;
            return result.MessageType == WebSocketMessageType.Text ? (JsonDocument.Parse(_buffer.AsMemory(0, length)).RootElement.Clone(), 0) : (null, length);
        }
    }

    private static string? State(JsonElement? frame) =>
        frame is { } f && f.TryGetProperty("type", out var type) && type.GetString() == "status" && f.TryGetProperty("state", out var state) ? state.GetString() : null;

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        _socket.Dispose();
    }
}
