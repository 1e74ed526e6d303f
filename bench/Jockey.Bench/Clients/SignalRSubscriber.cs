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
/// <c>operation</c> with its final status, which follows the terminal event. With <see cref="Subscriber.Reconnects"/>,
/// a connection the server closes comes back as the web app's does (<see cref="BrowserReconnect"/>: SignalR's automatic
/// reconnect, then <c>Subscribe</c> with the last seq held; a refused one starts over after the page's back-off).
/// </summary>
public sealed class SignalRSubscriber(Uri replica) : Subscriber(endsWithOperation: true)
{
    private const byte RecordSeparator = 0x1e;
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private Session? _session;
    private string _threadId = "";
    private Task? _pinging;
    private Task? _reconnecting;

    /// <summary>One WebSocket connection: its handshake and its <c>Subscribe</c>, each answered once.</summary>
    private sealed class Session
    {
        public ClientWebSocket Socket { get; } = new() { Options = { KeepAliveInterval = TimeSpan.Zero } };
        public TaskCompletionSource Handshake { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Subscribed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public Task? Receiving { get; set; }

        /// <summary>False once the server's close message said not to reconnect (SignalR's client then does not try by itself).</summary>
        public bool ReconnectAllowed { get; set; } = true;
    }

    public override async Task ConnectAsync(string threadId, CancellationToken ct)
    {
        _threadId = threadId;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _stop.Token);
        await OpenAsync(afterSeq: 0, linked.Token);
        _pinging = Task.Run(PingLoopAsync, CancellationToken.None);
    }

    /// <summary>Connects, shakes hands and subscribes; a refused <c>Subscribe</c> throws <see cref="RefusedException"/>.</summary>
    private async Task OpenAsync(long afterSeq, CancellationToken ct)
    {
        var session = new Session();
        _session = session;
        await session.Socket.ConnectAsync(new UriBuilder(replica) { Scheme = "ws", Path = "/hubs/jockey" }.Uri, ct);
        session.Receiving = Task.Run(() => ReceiveLoopAsync(session), CancellationToken.None);
        await SendAsync(session, """{"protocol":"json","version":1}""", ct);
        await session.Handshake.Task.WaitAsync(ct);
        await SendAsync(session, $$"""{"type":1,"invocationId":"1","target":"Subscribe","arguments":[{{JsonSerializer.Serialize(_threadId)}},{{afterSeq}}]}""", ct);
        await session.Subscribed.Task.WaitAsync(ct);
    }

    private async Task SendAsync(Session session, string record, CancellationToken ct)
    {
        var bytes = Encoding.UTF8.GetBytes(record + (char)RecordSeparator);
        await _sendLock.WaitAsync(ct);
        try
        {
            await session.Socket.SendAsync(bytes, WebSocketMessageType.Text, true, ct);
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
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                try
                {
                    await SendAsync(_session!, """{"type":6}""", _stop.Token);
                }
                // A connection the server closed is being replaced; its successor is pinged next time.
                catch (Exception ex) when (Reconnects && ex is WebSocketException or ObjectDisposedException or InvalidOperationException)
                {
                }
            }
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
    private async Task ReceiveLoopAsync(Session session)
    {
        var pending = new ArrayBufferWriter<byte>(4096);
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var result = await session.Socket.ReceiveAsync(pending.GetMemory(4096), _stop.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await AnswerCloseAsync(session);
                    throw new WebSocketException($"The hub closed the connection: {session.Socket.CloseStatus} {session.Socket.CloseStatusDescription}");
                }
                pending.Advance(result.Count);
                var unread = pending.WrittenSpan;
                int end;
                while ((end = unread.IndexOf(RecordSeparator)) >= 0)
                {
                    Handle(session, unread[..end]);
                    unread = unread[(end + 1)..];
                }
                var rest = unread.ToArray();
                pending.ResetWrittenCount();
                pending.Write(rest);
            }
        }
        catch (Exception ex) when (!_stop.IsCancellationRequested)
        {
            session.Handshake.TrySetException(ex);
            // A connection still opening fails its opener, and one whose Subscribe was refused is closed by it; an
            // established one that closed comes back when reconnecting, and is a failure when not.
            if (session.Subscribed.TrySetException(ex) || !session.Subscribed.Task.IsCompletedSuccessfully) return;
            if (!Reconnects)
            {
                Fail(ex);
                return;
            }
            CountDrop();
            _reconnecting = Task.Run(() => ReconnectAsync(session.ReconnectAllowed ? 0 : 1), CancellationToken.None);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Answers the server's close frame at once, as a browser's WebSocket does by itself. Unanswered, the server waits
    /// for it (5 s) and then aborts the socket, which a browser never makes it do.
    /// </summary>
    private async Task AnswerCloseAsync(Session session)
    {
        await _sendLock.WaitAsync();
        try
        {
            await session.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The socket broke as it closed: there is nothing left to answer.
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>
    /// SignalR's automatic reconnect, then <c>Subscribe</c> with the last seq held: the first try within half a second,
    /// later ones after the page's growing back-off, until one is subscribed again. A close message that forbids
    /// reconnecting skips the automatic reconnect, and the page's back-off starts at its second step.
    /// </summary>
    private async Task ReconnectAsync(int firstAttempt)
    {
        try
        {
            for (var attempt = firstAttempt; ; attempt++)
            {
                await Task.Delay(BrowserReconnect.Delay(attempt), _stop.Token);
                var previous = _session;
                try
                {
                    await OpenAsync(Log.LastSeq, _stop.Token);
                    CountResubscription();
                    return;
                }
                catch (RefusedException)
                {
                    CountRefusal();
                }
                catch (Exception ex) when (ex is WebSocketException or IOException or HttpRequestException)
                {
                    CountRefusal();
                }
                finally
                {
                    previous?.Socket.Dispose();
                }
                _session?.Socket.Abort();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Handle(Session session, ReadOnlySpan<byte> record)
    {
        if (!session.Handshake.Task.IsCompleted)
        {
            // The handshake response is {} or {"error": "..."}.
            if (record.IndexOf("\"error\""u8) >= 0) session.Handshake.TrySetException(new InvalidOperationException("SignalR handshake refused: " + Encoding.UTF8.GetString(record)));
            else session.Handshake.TrySetResult();
            return;
        }
        var reader = new Utf8JsonReader(record);
        reader.Read();
        int type = 0;
        string? target = null;
        var allowReconnect = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = reader.ValueSpan;
            reader.Read();
            if (property.SequenceEqual("type"u8)) type = reader.GetInt32();
            else if (property.SequenceEqual("allowReconnect"u8)) allowReconnect = reader.TokenType == JsonTokenType.True;
            else if (property.SequenceEqual("target"u8)) target = reader.GetString();
            else if (property.SequenceEqual("error"u8) && type == 3) session.Subscribed.TrySetException(new RefusedException("Subscribe failed: " + reader.GetString()));
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
        if (type == 3) session.Subscribed.TrySetResult();
        else if (type == 7 && Reconnects) session.ReconnectAllowed = allowReconnect;
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
        var session = _session;
        session?.Socket.Abort();
        foreach (var loop in new[] { session?.Receiving, _pinging, _reconnecting }.OfType<Task>()) await loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        session?.Socket.Dispose();
        _stop.Dispose();
        _sendLock.Dispose();
    }
}
