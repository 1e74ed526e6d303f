using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Jockey.Bench.Clients;

/// <summary>
/// A minimal Socket.IO v5 client (Engine.IO v4 over WebSocket, default namespace, JSON packets): connect, emit with or
/// without an ack, receive events, answer pings. Written out, like <see cref="SignalRSubscriber"/>, so every system's
/// clients cost the bench equally little; it speaks the wire protocol the official client speaks.
/// </summary>
public sealed class SocketIoConnection : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<int, TaskCompletionSource> _acks = [];
    private readonly Action<string, ReadOnlyMemory<byte>>? _onEvent;
    private int _nextAck;
    private Task? _loop;

    /// <param name="onEvent">Called on the receive loop with the event name and the JSON packet (<c>["name", arg]</c>).</param>
    public SocketIoConnection(Action<string, ReadOnlyMemory<byte>>? onEvent) => _onEvent = onEvent;

    public Exception? Failure { get; private set; }

    public async Task ConnectAsync(Uri server, CancellationToken ct)
    {
        _socket.Options.KeepAliveInterval = TimeSpan.Zero;
        await _socket.ConnectAsync(new Uri($"ws://{server.Authority}/socket.io/?EIO=4&transport=websocket"), ct);
        _loop = Task.Run(ReceiveLoopAsync, CancellationToken.None);
        await SendAsync("40", ct);
        await _connected.Task.WaitAsync(ct);
    }

    /// <summary>Emits <c>42["event", arg]</c>; with an ack, waits for the server's acknowledgement.</summary>
    public async Task EmitAsync(string eventName, object arg, bool ack, CancellationToken ct)
    {
        var payload = JsonSerializer.Serialize(new[] { eventName, arg });
        if (!ack)
        {
            await SendAsync("42" + payload, ct);
            return;
        }
        var pending = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int id;
        lock (_acks) _acks[id = ++_nextAck] = pending;
        await SendAsync($"42{id}{payload}", ct);
        await pending.Task.WaitAsync(ct);
    }

    private async Task SendAsync(string packet, CancellationToken ct)
    {
        var bytes = Encoding.UTF8.GetBytes(packet);
        await _sendLock.WaitAsync(ct);
        try
        {
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, true, ct);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                buffer.ResetWrittenCount();
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer.GetMemory(4096), _stop.Token);
                    buffer.Advance(result.Count);
                } while (!result.EndOfMessage);
                if (result.MessageType == WebSocketMessageType.Close) break;
                await HandleAsync(buffer.WrittenMemory);
            }
        }
        catch (Exception ex) when (!_stop.IsCancellationRequested)
        {
            Failure = ex;
            _connected.TrySetException(ex);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task HandleAsync(ReadOnlyMemory<byte> packet)
    {
        var span = packet.Span;
        switch (span.Length > 0 ? span[0] : (byte)0)
        {
            case (byte)'2': // Engine.IO ping → pong
                await SendAsync("3", _stop.Token);
                return;
            case (byte)'4' when span.Length > 1:
                HandleSocketIo(packet[1..]);
                return;
        }
    }

    private void HandleSocketIo(ReadOnlyMemory<byte> packet)
    {
        var span = packet.Span;
        switch (span[0])
        {
            case (byte)'0':
                _connected.TrySetResult();
                break;
            case (byte)'2': // event: 2["name", arg]
                var json = packet[1..];
                var reader = new Utf8JsonReader(json.Span);
                if (reader.Read() && reader.Read() && reader.TokenType == JsonTokenType.String) _onEvent?.Invoke(reader.GetString()!, json);
                break;
            case (byte)'3': // ack: 3<id>[...]
                var digits = span[1..];
                var end = digits.IndexOf((byte)'[');
                if (end > 0 && int.TryParse(digits[..end], out var id))
                {
                    TaskCompletionSource? pending;
                    lock (_acks) _acks.Remove(id, out pending);
                    pending?.TrySetResult();
                }
                break;
            case (byte)'4':
                _connected.TrySetException(new InvalidOperationException("Socket.IO refused the connection: " + Encoding.UTF8.GetString(span)));
                break;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Abort();
        if (_loop is not null) await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _socket.Dispose();
        _stop.Dispose();
        _sendLock.Dispose();
    }
}
