using System.Buffers;
using System.IO.Pipelines;
using System.Net.WebSockets;

namespace Jockey.ApiService.Streaming.HubSockets;

/// <summary>
/// The hub's output. A write is queued and the first one to an idle connection schedules one send on the thread pool;
/// whatever the hub writes before that send runs, or while it is under way, goes out with the next one, as one
/// WebSocket message (SignalR's protocols delimit their own records, so a frame may carry several). A connection that
/// falls behind therefore catches up in a few large sends instead of a syscall per message — what keeps SignalR's
/// own layer fast under saturation — without its pipe and the buffer that pipe holds (docs/benchmarks.md, issue 14).
/// <para>
/// A message that arrives alone is sent as the hub gave it, uncopied: SignalR writes through <see cref="WriteAsync"/>
/// only bytes it keeps as they are (a group's message serialized once, its cached ping and handshake), so they may be
/// held past the call. A second message joins the first in a buffer rented for the send and returned after it; an idle
/// connection holds no buffer. Past <see cref="PauseBytes"/> queued, a write waits until the queue is sent, as a
/// pipe's writer would, and <see cref="CancelPendingFlush"/> releases it, as a pipe's would: SignalR calls it when it
/// aborts a connection, whose client may have stopped reading, so that its close can go ahead (after that, no write
/// waits). The close frame goes out after the last send, because a WebSocket takes one send at a time.
/// </para>
/// </summary>
internal sealed class SocketMessageWriter(WebSocket socket, HubSocketConnection connection) : PipeWriter, IThreadPoolWorkItem
{
    /// <summary>Queued bytes past which a write waits for the send (SignalR's own transport pauses its writer at 64 KiB too).</summary>
    public const int PauseBytes = 64 * 1024;

    private const int MinimumBuffer = 4096;
    private static readonly FlushResult Sent = new(isCanceled: false, isCompleted: false);
    private static readonly FlushResult Closed = new(isCanceled: false, isCompleted: true);
    private static readonly FlushResult Canceled = new(isCanceled: true, isCompleted: false);

    // Written only by the hub, which serializes its writes (one lock per connection): a message written piece by piece.
    private byte[]? _staging;
    private int _staged;

    // What the next send carries, shared by the hub's writes and the send, under _lock.
    private readonly Lock _lock = new();
    private ReadOnlyMemory<byte> _queued;
    private byte[]? _queuedBuffer;
    private bool _sending;
    private bool _closed;
    private TaskCompletionSource<FlushResult>? _queueSent;
    private TaskCompletionSource<FlushResult>? _sendingWaiter;
    private bool _neverPause;
    private TaskCompletionSource? _idle;

    public override Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _staging.AsMemory(_staged);
    }

    public override Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _staging.AsSpan(_staged);
    }

    public override void Advance(int bytes) => _staged += bytes;

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        if (_staged == 0) return new(Volatile.Read(ref _closed) ? Closed : Sent);
        // The staging buffer leaves with its message and goes back to the pool once sent.
        var rented = _staging!;
        var message = rented.AsMemory(0, _staged);
        _staging = null;
        _staged = 0;
        return Enqueue(message, rented);
    }

    public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
    {
        if (_staged == 0) return Enqueue(source, rented: null);
        source.Span.CopyTo(GetSpan(source.Length));
        Advance(source.Length);
        return FlushAsync(cancellationToken);
    }

    /// <summary>Releases a write that waits for the queue to be sent, and lets no write wait again (SignalR: an abort).</summary>
    public override void CancelPendingFlush()
    {
        lock (_lock)
        {
            _neverPause = true;
            _sendingWaiter?.TrySetResult(Canceled);
            _queueSent?.TrySetResult(Canceled);
            _queueSent = null;
        }
    }

    /// <summary>The hub writes no more. What it queued is still sent, before the close frame.</summary>
    public override void Complete(Exception? exception = null)
    {
        lock (_lock) _closed = true;
        _staged = 0;
        Return(_staging);
        _staging = null;
    }

    public override bool CanGetUnflushedBytes => true;

    public override long UnflushedBytes => _staged;

    /// <summary>
    /// Sends the close frame once what was queued is sent, and takes no write after it. Gives up after
    /// <paramref name="timeout"/>: a client that reads nothing holds its send, and its socket is then dropped instead.
    /// </summary>
    public async Task CloseAsync(WebSocketCloseStatus status, string reason, TimeSpan timeout)
    {
        Task idle;
        lock (_lock)
        {
            _closed = true;
            idle = _sending ? (_idle ??= new(TaskCreationOptions.RunContinuationsAsynchronously)).Task : Task.CompletedTask;
        }
        try
        {
            await idle.WaitAsync(timeout);
            await socket.CloseOutputAsync(status, reason, CancellationToken.None).WaitAsync(timeout);
        }
        catch (Exception ex) when (HubSocketConnection.IsGone(ex) || ex is TimeoutException)
        {
            // The client is gone, or does not read: the caller drops the socket.
        }
    }

    private ValueTask<FlushResult> Enqueue(ReadOnlyMemory<byte> message, byte[]? rented)
    {
        bool schedule;
        Task<FlushResult>? queueSent = null;
        lock (_lock)
        {
            if (_closed)
            {
                Return(rented);
                return new(Closed);
            }
            if (_queued.IsEmpty)
            {
                (_queued, _queuedBuffer) = (message, rented);
            }
            else
            {
                Append(message.Span);
                Return(rented);
            }
            schedule = !_sending;
            _sending = true;
            if (_queued.Length > PauseBytes && !_neverPause) queueSent = (_queueSent ??= new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
        if (schedule) ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        return queueSent is null ? new(Sent) : new(queueSent);
    }

    /// <summary>Adds a message to the queue, in a rented buffer that holds every queued message.</summary>
    private void Append(ReadOnlySpan<byte> message)
    {
        var length = _queued.Length + message.Length;
        if (_queuedBuffer is null || _queuedBuffer.Length < length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(MinimumBuffer, Math.Max(length, (_queuedBuffer?.Length ?? 0) * 2)));
            _queued.Span.CopyTo(larger);
            Return(_queuedBuffer);
            _queuedBuffer = larger;
        }
        message.CopyTo(_queuedBuffer.AsSpan(_queued.Length));
        _queued = _queuedBuffer.AsMemory(0, length);
    }

    void IThreadPoolWorkItem.Execute() => _ = SendQueuedAsync();

    /// <summary>Sends what is queued, one WebSocket message per send, until nothing is.</summary>
    private async Task SendQueuedAsync()
    {
        while (true)
        {
            ReadOnlyMemory<byte> message;
            byte[]? rented;
            TaskCompletionSource<FlushResult>? queueSent;
            lock (_lock)
            {
                if (_queued.IsEmpty)
                {
                    (_sending, _sendingWaiter) = (false, null);
                    _idle?.TrySetResult();
                    return;
                }
                (message, rented, queueSent) = (_queued, _queuedBuffer, _queueSent);
                (_queued, _queuedBuffer, _queueSent) = (default, null, null);
                _sendingWaiter = queueSent;
            }
            try
            {
                await socket.SendAsync(message, connection.MessageType, endOfMessage: true, CancellationToken.None);
                queueSent?.TrySetResult(Sent);
            }
            catch (Exception)
            {
                // Gone, closing, or failing in a way nothing here can mend: either way nothing more can be sent on this
                // socket, and the connection ends (its client reconnects and resubscribes from its last seq).
                queueSent?.TrySetResult(Closed);
                Gone();
                return;
            }
            finally
            {
                Return(rented);
            }
        }
    }

    /// <summary>The client is gone or the socket is closing: nothing more is sent, and the connection ends.</summary>
    private void Gone()
    {
        lock (_lock)
        {
            _closed = true;
            _sending = false;
            Return(_queuedBuffer);
            (_queued, _queuedBuffer) = (default, null);
            _queueSent?.TrySetResult(Closed);
            _idle?.TrySetResult();
        }
        connection.Abort();
    }

    private void Reserve(int sizeHint)
    {
        var needed = _staged + Math.Max(sizeHint, 1);
        if (_staging is not null && needed <= _staging.Length) return;
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Max(MinimumBuffer, (_staging?.Length ?? 0) * 2)));
        if (_staging is not null)
        {
            _staging.AsSpan(0, _staged).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_staging);
        }
        _staging = larger;
    }

    private static void Return(byte[]? rented)
    {
        if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
    }
}
