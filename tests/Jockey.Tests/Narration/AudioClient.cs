using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Jockey.Tests.Narration;

/// <summary>A browser's view of <c>/api/ws/audio/{thread_id}</c>: frames in order, text parsed as JSON.</summary>
public sealed class AudioClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();

    public WebSocket Socket => _socket;

    public static async Task<AudioClient> ConnectAsync(Uri apiEndpoint, string threadId, CancellationToken ct)
    {
        var client = new AudioClient();
        var uri = new UriBuilder(apiEndpoint) { Scheme = apiEndpoint.Scheme == "https" ? "wss" : "ws", Path = $"/api/ws/audio/{threadId}" }.Uri;
        await client._socket.ConnectAsync(uri, ct);
        return client;
    }

    /// <summary>The next frame; a JSON element for text, bytes for binary, null when the server closed.</summary>
    public async Task<Frame?> ReceiveAsync(CancellationToken ct)
    {
        using var message = new MemoryStream();
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer, ct);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            message.Write(buffer, 0, result.Count);
            if (!result.EndOfMessage) continue;
            return result.MessageType == WebSocketMessageType.Text
                ? new Frame(JsonDocument.Parse(message.ToArray()).RootElement, null)
                : new Frame(null, message.ToArray());
        }
    }

    /// <summary>The next text frame, skipping nothing: a binary frame here fails the test.</summary>
    public async Task<JsonElement> ReceiveJsonAsync(CancellationToken ct)
    {
        var frame = await ReceiveAsync(ct) ?? throw new InvalidOperationException($"Socket closed: {_socket.CloseStatus} {_socket.CloseStatusDescription}");
        return frame.Json ?? throw new InvalidOperationException($"Expected a JSON frame, got {frame.Pcm!.Length} binary bytes.");
    }

    /// <summary>Everything of one operation: started, the PCM chunks, and the completed (or error) frame.</summary>
    public async Task<Narration> ReceiveNarrationAsync(CancellationToken ct)
    {
        var started = await ReceiveJsonAsync(ct);
        var chunks = new List<byte[]>();
        while (true)
        {
            var frame = await ReceiveAsync(ct) ?? throw new InvalidOperationException($"Socket closed mid-narration: {_socket.CloseStatus} {_socket.CloseStatusDescription}");
            if (frame.Pcm is { } pcm) chunks.Add(pcm);
            else return new Narration(started, chunks, frame.Json!.Value);
        }
    }

    public Task SendTextAsync(string text, CancellationToken ct) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, ct);

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                // The server may already be gone; nothing to clean up then.
            }
        }
        _socket.Dispose();
    }

    public sealed record Frame(JsonElement? Json, byte[]? Pcm);

    public sealed record Narration(JsonElement Started, List<byte[]> Chunks, JsonElement End)
    {
        public byte[] Pcm => Chunks.SelectMany(c => c).ToArray();

        public string? State(string property = "state") => End.TryGetProperty(property, out var v) ? v.GetString() : null;
    }
}
