using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Jockey.Tests.Api;

/// <summary>
/// A hub connection at the wire: SignalR's JSON protocol written out over a bare WebSocket, so a test can see what
/// the official clients hide — every ping, each record as sent, and the close frame's status and reason.
/// </summary>
public sealed class RawHubSocket : IAsyncDisposable
{
    private const char RecordSeparator = '\u001e';

    private readonly ClientWebSocket _socket = new();
    private readonly Queue<JsonElement> _records = new();
    private readonly StringBuilder _partial = new();
    private readonly SemaphoreSlim _sending = new(1, 1);

    /// <summary>Connects to <c>/hubs/jockey</c> (with <paramref name="query"/>, e.g. a negotiated <c>?id=</c>) and completes the handshake.</summary>
    public static async Task<RawHubSocket> ConnectAsync(Uri replica, CancellationToken ct, string query = "")
    {
        var hub = new RawHubSocket();
        hub._socket.Options.KeepAliveInterval = TimeSpan.Zero;
        await hub._socket.ConnectAsync(new Uri(new UriBuilder(replica) { Scheme = "ws", Path = "/hubs/jockey" }.Uri + query), ct);
        await hub.SendAsync("""{"protocol":"json","version":1}""", ct);
        var handshake = await hub.ReceiveAsync(ct);
        Assert.True(handshake is { ValueKind: JsonValueKind.Object } answer && !answer.TryGetProperty("error", out _), $"handshake refused: {handshake}");
        return hub;
    }

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public string? CloseReason => _socket.CloseStatusDescription;

    /// <summary>Sends one record; a test may send from two tasks (pings beside invocations), one frame at a time.</summary>
    public async Task SendAsync(string record, CancellationToken ct)
    {
        await _sending.WaitAsync(ct);
        try
        {
            await _socket.SendAsync(Encoding.UTF8.GetBytes(record + RecordSeparator), WebSocketMessageType.Text, endOfMessage: true, ct);
        }
        finally
        {
            _sending.Release();
        }
    }

    /// <summary>The next record the server sent, or null once it closed the socket (then <see cref="CloseStatus"/> says how).</summary>
    public async Task<JsonElement?> ReceiveAsync(CancellationToken ct)
    {
        var buffer = new byte[4096];
        while (_records.Count == 0)
        {
            var result = await _socket.ReceiveAsync(buffer, ct);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            _partial.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
            var text = _partial.ToString();
            var end = text.LastIndexOf(RecordSeparator);
            if (end < 0) continue;
            foreach (var record in text[..end].Split(RecordSeparator)) _records.Enqueue(JsonElement.Parse(record));
            _partial.Clear().Append(text[(end + 1)..]);
        }
        return _records.Dequeue();
    }

    /// <summary>The next invocation's completion, past pings and updates; fails if the server closes the socket first.</summary>
    public async Task<JsonElement> NextCompletionAsync(CancellationToken ct)
    {
        while (true)
        {
            var record = await ReceiveAsync(ct) ?? throw new InvalidOperationException($"The hub closed the socket: {CloseStatus} {CloseReason}");
            if (record.GetProperty("type").GetInt32() == 3) return record;
        }
    }

    /// <summary>Reads until the server closes the socket, returning the hub messages' types that came before.</summary>
    public async Task<List<int>> ReadToCloseAsync(CancellationToken ct)
    {
        var types = new List<int>();
        while (await ReceiveAsync(ct) is { } record) types.Add(record.GetProperty("type").GetInt32());
        return types;
    }

    public ValueTask DisposeAsync()
    {
        _socket.Abort();
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
