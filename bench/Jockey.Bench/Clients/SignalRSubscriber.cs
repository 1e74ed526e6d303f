using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Jockey.Bench.Clients;

/// <summary>
/// A subscriber on <c>/hubs/jockey</c> speaking SignalR's JSON hub protocol over a bare WebSocket, as the official
/// clients do with SkipNegotiation: the handshake, <c>Subscribe(thread_id, 0)</c> as an invocation, then the
/// <c>update</c> invocations, with a ping every 30 s so the server keeps the connection (as the web app pings, matching
/// the hub's <c>Hub:KeepAliveInterval</c>). Written out because the official .NET client costs the bench several times
/// more CPU per message, and the bench shares two cores with the servers it measures; the Socket.IO peer is driven by
/// an equally small client (<see cref="SocketIoConnection"/>). A run's last message here is the hub's
/// <c>operation</c> with its final status, which follows the terminal event.
/// </summary>
public sealed class SignalRSubscriber(Uri replica) : Subscriber(endsWithOperation: true)
{
    private const byte RecordSeparator = 0x1e;
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(30);

    private readonly ClientWebSocket _socket = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _handshake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _receiving;
    private Task? _pinging;

    public override async Task ConnectAsync(string threadId, CancellationToken ct)
    {
        _socket.Options.KeepAliveInterval = TimeSpan.Zero;
        await _socket.ConnectAsync(new UriBuilder(replica) { Scheme = "ws", Path = "/hubs/jockey" }.Uri, ct);
        _receiving = Task.Run(ReceiveLoopAsync, CancellationToken.None);
        await SendAsync("""{"protocol":"json","version":1}""", ct);
        await _handshake.Task.WaitAsync(ct);
        await SendAsync($$"""{"type":1,"invocationId":"1","target":"Subscribe","arguments":[{{JsonSerializer.Serialize(threadId)}},0]}""", ct);
        await _subscribed.Task.WaitAsync(ct);
        _pinging = Task.Run(PingLoopAsync, CancellationToken.None);
    }

    private async Task SendAsync(string record, CancellationToken ct)
    {
        var bytes = Encoding.UTF8.GetBytes(record + (char)RecordSeparator);
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

    private async Task PingLoopAsync()
    {
        using var timer = new PeriodicTimer(KeepAlive);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token)) await SendAsync("""{"type":6}""", _stop.Token);
        }
        catch (Exception ex) when (!_stop.IsCancellationRequested)
        {
            Fail(ex);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Frames may hold several records, and a record may span frames: records end at the separator.</summary>
    private async Task ReceiveLoopAsync()
    {
        var pending = new ArrayBufferWriter<byte>(4096);
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var result = await _socket.ReceiveAsync(pending.GetMemory(4096), _stop.Token);
                if (result.MessageType == WebSocketMessageType.Close) throw new WebSocketException($"The hub closed the connection: {_socket.CloseStatus} {_socket.CloseStatusDescription}");
                pending.Advance(result.Count);
                var unread = pending.WrittenSpan;
                int end;
                while ((end = unread.IndexOf(RecordSeparator)) >= 0)
                {
                    Handle(unread[..end]);
                    unread = unread[(end + 1)..];
                }
                var rest = unread.ToArray();
                pending.ResetWrittenCount();
                pending.Write(rest);
            }
        }
        catch (Exception ex) when (!_stop.IsCancellationRequested)
        {
            Fail(ex);
            _handshake.TrySetException(ex);
            _subscribed.TrySetException(ex);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Handle(ReadOnlySpan<byte> record)
    {
        if (!_handshake.Task.IsCompleted)
        {
            // The handshake response is {} or {"error": "..."}.
            if (record.IndexOf("\"error\""u8) >= 0) _handshake.TrySetException(new InvalidOperationException("SignalR handshake refused: " + Encoding.UTF8.GetString(record)));
            else _handshake.TrySetResult();
            return;
        }
        var reader = new Utf8JsonReader(record);
        reader.Read();
        int type = 0;
        string? target = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = reader.ValueSpan;
            reader.Read();
            if (property.SequenceEqual("type"u8)) type = reader.GetInt32();
            else if (property.SequenceEqual("target"u8)) target = reader.GetString();
            else if (property.SequenceEqual("error"u8) && type == 3) _subscribed.TrySetException(new InvalidOperationException("Subscribe failed: " + reader.GetString()));
            else if (property.SequenceEqual("arguments"u8) && type == 1 && target == "update")
            {
                reader.Read();
                Receive(Measure.EventFields.Read(ref reader));
                return;
            }
            else if (property.SequenceEqual("arguments"u8) && type == 1 && target == "operation")
            {
                ReadOperation(ref reader);
                return;
            }
            else reader.Skip();
        }
        if (type == 3) _subscribed.TrySetResult();
        else if (type == 7) Fail(new InvalidOperationException("The hub closed the connection: " + Encoding.UTF8.GetString(record)));
    }

    /// <summary>An <c>operation</c>'s argument: records its end when its status is final.</summary>
    private void ReadOperation(ref Utf8JsonReader reader)
    {
        // From the arguments' array to the operation's object.
        reader.Read();
        string? operationId = null, status = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = reader.ValueSpan;
            reader.Read();
            if (property.SequenceEqual("operation_id"u8)) operationId = reader.GetString();
            else if (property.SequenceEqual("status"u8)) status = reader.GetString();
            else reader.Skip();
        }
        if (operationId is not null && Measure.EventFields.IsFinal(status)) Log.OnOperationEnd(operationId);
    }

    public override async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Abort();
        foreach (var loop in new[] { _receiving, _pinging }.OfType<Task>()) await loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _socket.Dispose();
        _stop.Dispose();
        _sendLock.Dispose();
    }
}
