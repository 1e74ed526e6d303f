using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Jockey.ApiService.Infrastructure;
using StackExchange.Redis;

namespace Jockey.ApiService.Narration;

/// <summary>
/// One client on <c>/api/ws/audio/{thread_id}</c>. Three loops: the pump reads the thread's operations from Redis
/// into a bounded queue, the sender is the only one writing to the socket, the receiver answers control frames.
/// A client that stops reading fills only its own queue (<see cref="NarrationOptions.SocketBufferBytes"/>); the pump
/// then waits, and past <see cref="NarrationOptions.SlowClientTimeout"/> the socket is closed with 1008.
/// </summary>
public sealed class AudioSocket(WebSocket socket, string threadId, AudioRelay relay, AudioListeners listeners, NarrationOptions options, ILogger logger)
{
    private const int MaxControlFrameBytes = 4096;
    private const int ReadBatch = 64;
    private const int MaxMarksInFlight = 64;

    private readonly SendQueue _queue = new(options.SocketBufferBytes);
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _wake = new(0, 1);
    /// <summary>Narrations with new entries, in the order they were announced: an operation's result follows its request.</summary>
    private readonly List<string> _pending = [];
    private readonly HashSet<string> _cancelled = [];
    private (WebSocketCloseStatus Status, string Reason, string? Last)? _close;

    /// <param name="aborted">The client is gone.</param>
    /// <param name="stopping">The server is shutting down: the socket is closed with 1001 so the client reconnects to
    /// another replica at once, rather than being held open until the host's shutdown timeout drops it.</param>
    public async Task RunAsync(CancellationToken aborted, CancellationToken stopping)
    {
        using var link = aborted.Register(_stop.Cancel);
        using var shutdown = stopping.Register(() => RequestClose(WebSocketCloseStatus.EndpointUnavailable, "the server is restarting; reconnect"));
        Enqueue(AudioFrames.Connected(threadId));
        await using var registration = await listeners.ListenAsync(threadId, Wake, LoseRedis);
        // After subscribing, so an operation starting meanwhile is seen one way or the other; reading is idempotent.
        WakeFirst(await relay.ReplayableAsync(threadId));

        var sender = SendLoopAsync();
        var pump = PumpLoopAsync();
        await ReceiveLoopAsync();
        RequestClose(WebSocketCloseStatus.NormalClosure, "closing");
        await sender;
        await _stop.CancelAsync();
        await pump;
    }

    private void Wake(string operationId)
    {
        lock (_pending)
        {
            if (!_pending.Contains(operationId)) _pending.Add(operationId);
        }
        Signal();
    }

    /// <summary>
    /// Queues the narrations to replay ahead of any announced since subscribing: a result narration that started in
    /// between was announced first, yet its request's narration is older and must be heard first.
    /// </summary>
    private void WakeFirst(IReadOnlyList<string> replays)
    {
        if (replays.Count == 0) return;
        lock (_pending)
        {
            _pending.RemoveAll(replays.Contains);
            _pending.InsertRange(0, replays);
        }
        Signal();
    }

    private void Signal()
    {
        if (_wake.CurrentCount == 0)
        {
            try { _wake.Release(); } catch (SemaphoreFullException) { /* already awake */ }
        }
    }

    /// <summary>Copies new entries of every notified operation from Redis into the queue, each from where it left off.</summary>
    private async Task PumpLoopAsync()
    {
        var cursors = new Dictionary<string, RedisValue?>();
        var finished = new HashSet<string>();
        try
        {
            while (true)
            {
                await _wake.WaitAsync(_stop.Token);
                string[] operations;
                lock (_pending)
                {
                    operations = [.. _pending];
                    _pending.Clear();
                }
                foreach (var op in operations.Where(op => !finished.Contains(op)))
                {
                    IReadOnlyList<AudioEntry> entries;
                    do
                    {
                        entries = await relay.ReadAsync(op, cursors.GetValueOrDefault(op), ReadBatch);
                        foreach (var entry in entries)
                        {
                            cursors[op] = entry.Id;
                            if (entry.IsLast) finished.Add(op);
                            if (!IsCancelled(op) && !await OfferAsync(ToOutgoing(op, entry))) return;
                        }
                    }
                    while (entries.Count == ReadBatch);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (ChannelClosedException)
        {
        }
        catch (Exception ex) when (RedisOutage.IsRedisFailure(ex))
        {
            logger.LogWarning(ex, "Narration socket on thread {ThreadId} lost Redis", threadId);
            CloseUnavailable();
        }
    }

    /// <summary>The connection to Redis broke: what was announced meanwhile may be lost, so the client reconnects and replays.</summary>
    private void LoseRedis()
    {
        logger.LogWarning("Narration socket on thread {ThreadId} closed: its connection to Redis broke", threadId);
        CloseUnavailable();
    }

    private void CloseUnavailable() =>
        RequestClose(WebSocketCloseStatus.InternalServerError, "Redis is not reachable",
            AudioFrames.Error("unavailable", "Narration audio is unavailable: Redis is not reachable. Reconnect in a moment."));

    private static OutgoingFrame ToOutgoing(string op, AudioEntry entry) => entry.Kind == AudioEntry.Chunk
        ? new OutgoingFrame(null, (byte[])entry.Data!, op, entry.ChunkIndex)
        : new OutgoingFrame(entry.Data.ToString(), default, op, -1);

    /// <summary>Queues a frame, waiting while the client catches up; false once it has been closed as too slow.</summary>
    private async ValueTask<bool> OfferAsync(OutgoingFrame frame)
    {
        if (_queue.TryWrite(frame)) return true;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(options.SlowClientTimeout);
        try
        {
            await _queue.WriteAsync(frame, timeout.Token);
            return true;
        }
        catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
        {
            logger.LogWarning("Narration socket on thread {ThreadId} is not reading: its {Bytes}-byte send buffer stayed full for {Timeout}; closing it",
                threadId, options.SocketBufferBytes, options.SlowClientTimeout);
            RequestClose(WebSocketCloseStatus.PolicyViolation,
                $"client is not reading audio: send buffer full for {options.SlowClientTimeout.TotalSeconds:0.#} s; reconnect to resume");
            return false;
        }
    }

    /// <summary>Control replies never wait: a client that is not reading has no use for a pong.</summary>
    private void Enqueue(string text) => _queue.TryWrite(new OutgoingFrame(text, default, null, -1));

    /// <summary>
    /// Closes after the frame being sent, dropping what is queued; <paramref name="last"/>, when given, goes out just
    /// before the close frame (a frame queued instead would be dropped with the rest).
    /// </summary>
    private void RequestClose(WebSocketCloseStatus status, string reason, string? last = null)
    {
        lock (_queue)
        {
            if (_close is not null) return;
            _close = (status, reason, last);
        }
        _queue.Complete();
        // A client stuck mid-frame gets this long to take the close frame; then the connection is dropped.
        _stop.CancelAfter(options.SlowClientTimeout);
    }

    private bool IsCancelled(string op)
    {
        lock (_cancelled) return _cancelled.Contains(op);
    }

    /// <summary>
    /// The only writer to the socket. Each chunk sent is recorded as delivered (<c>chunks_streamed</c>); those records
    /// are written before the operation's next status frame goes out, so a client holding <c>completed</c> knows
    /// every chunk it got is counted.
    /// </summary>
    private async Task SendLoopAsync()
    {
        var marks = new List<Task>();
        try
        {
            await foreach (var frame in _queue.ReadAllAsync(_stop.Token))
            {
                if (_close is not null) break;
                if (frame.Text is null && IsCancelled(frame.OperationId!)) continue;
                if (frame.Text is { } text)
                {
                    if (frame.OperationId is not null) await AwaitMarksAsync(marks);
                    await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, _stop.Token);
                    continue;
                }
                await socket.SendAsync(frame.Pcm, WebSocketMessageType.Binary, true, _stop.Token);
                marks.Add(relay.MarkDeliveredAsync(frame.OperationId!, frame.ChunkIndex));
                if (marks.Count >= MaxMarksInFlight) await AwaitMarksAsync(marks);
            }
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                var (status, reason, last) = _close ?? (WebSocketCloseStatus.NormalClosure, "closing", null);
                if (last is not null) await socket.SendAsync(Encoding.UTF8.GetBytes(last), WebSocketMessageType.Text, true, _stop.Token);
                await socket.CloseOutputAsync(status, reason, _stop.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ChannelClosedException)
        {
            socket.Abort();
        }
        finally
        {
            await AwaitMarksAsync(marks);
        }
    }

    /// <summary>Delivery records are bookkeeping: losing Redis loses a count, never the audio.</summary>
    private async Task AwaitMarksAsync(List<Task> marks)
    {
        try
        {
            await Task.WhenAll(marks);
        }
        catch (Exception ex) when (RedisOutage.IsRedisFailure(ex))
        {
            logger.LogWarning(ex, "Narration socket on thread {ThreadId} could not record delivered chunks", threadId);
        }
        marks.Clear();
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[MaxControlFrameBytes];
        try
        {
            while (socket.State is WebSocketState.Open)
            {
                var (type, length, tooLarge) = await ReceiveMessageAsync(buffer);
                if (type == WebSocketMessageType.Close) return;
                if (tooLarge) Enqueue(AudioFrames.Error("frame_too_large", $"Control frames are at most {MaxControlFrameBytes} bytes."));
                else if (type == WebSocketMessageType.Binary) Enqueue(AudioFrames.Error("bad_frame", "Binary frames are not accepted here; send JSON control frames such as {\"type\":\"ping\"}."));
                else Handle(buffer.AsSpan(0, length));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // Client went away or the socket was closed as too slow.
        }
    }

    private async Task<(WebSocketMessageType Type, int Length, bool TooLarge)> ReceiveMessageAsync(byte[] buffer)
    {
        var length = 0;
        var tooLarge = false;
        while (true)
        {
            var result = await socket.ReceiveAsync(length < buffer.Length ? buffer.AsMemory(length) : new byte[1024], _stop.Token);
            if (length < buffer.Length) length += result.Count;
            else tooLarge = true;
            if (result.EndOfMessage || result.MessageType == WebSocketMessageType.Close) return (result.MessageType, length, tooLarge);
        }
    }

    private void Handle(ReadOnlySpan<byte> json)
    {
        AudioFrames.Control? control = null;
        try
        {
            control = JsonSerializer.Deserialize<AudioFrames.Control>(json, AudioFrames.Json);
        }
        catch (JsonException)
        {
            // Reported below like any other frame that is not a control frame.
        }
        switch (control)
        {
            case { Type: "ping" }:
                Enqueue(AudioFrames.Pong);
                break;
            case { Type: "cancel", OperationId: { Length: > 0 } op }:
                // Both of the operation's narrations: the request's and, when it comes, the result's.
                lock (_cancelled) _cancelled.UnionWith([NarrationKind.Key(op, NarrationKind.Request), NarrationKind.Key(op, NarrationKind.Result)]);
                Enqueue(AudioFrames.Cancelled(op));
                break;
            case { Type: "cancel" }:
                Enqueue(AudioFrames.Error("bad_frame", "A cancel frame needs the operation to stop: {\"type\":\"cancel\",\"operation_id\":\"…\"}."));
                break;
            default:
                Enqueue(AudioFrames.Error("bad_frame", "Not a control frame. Send {\"type\":\"ping\"} or {\"type\":\"cancel\",\"operation_id\":\"…\"} as JSON text."));
                break;
        }
    }
}
