using System.Buffers;
using System.IO.Pipelines;
using System.Net.WebSockets;

namespace Jockey.ApiService.Streaming.HubSockets;

/// <summary>
/// The hub's output: each flush is one WebSocket message, sent on the writing thread. A message SignalR serialized
/// once for a whole group (<see cref="WriteAsync"/> with nothing buffered) goes to the socket as it is, uncopied.
/// A message written piece by piece (a method's result) is buffered in memory rented for it and returned after the send,
/// so an idle connection holds no buffer. SignalR's hub serializes its writes (one lock per connection); the close frame
/// goes through here too, after the last send, because a WebSocket takes one send at a time.
/// </summary>
internal sealed class SocketMessageWriter(WebSocket socket, HubSocketConnection connection) : PipeWriter
{
    private const int MinimumBuffer = 4096;
    private static readonly FlushResult Sent = new(isCanceled: false, isCompleted: false);
    private static readonly FlushResult Closed = new(isCanceled: false, isCompleted: true);

    private readonly SemaphoreSlim _sending = new(1, 1);
    private byte[]? _buffer;
    private int _buffered;
    private bool _closed;

    public override Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsMemory(_buffered);
    }

    public override Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsSpan(_buffered);
    }

    public override void Advance(int bytes) => _buffered += bytes;

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        if (_buffered == 0) return new(_closed ? Closed : Sent);
        // The buffer leaves with its message and goes back to the pool once sent.
        var rented = _buffer!;
        var message = rented.AsMemory(0, _buffered);
        _buffer = null;
        _buffered = 0;
        return SendAsync(message, rented, cancellationToken);
    }

    public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
    {
        if (_buffered > 0)
        {
            source.Span.CopyTo(GetSpan(source.Length));
            Advance(source.Length);
            return FlushAsync(cancellationToken);
        }
        return SendAsync(source, rented: null, cancellationToken);
    }

    // Flushes are never held: a send waits for the socket, which only the connection's end interrupts.
    public override void CancelPendingFlush()
    {
    }

    public override void Complete(Exception? exception = null)
    {
        _closed = true;
        _buffered = 0;
        Return(_buffer);
        _buffer = null;
    }

    public override bool CanGetUnflushedBytes => true;

    public override long UnflushedBytes => _buffered;

    /// <summary>
    /// Sends the close frame once the send under way (if any) is done, and nothing after it. Gives up after
    /// <paramref name="timeout"/>: a client that reads nothing holds its send, and its socket is then dropped instead.
    /// </summary>
    public async Task CloseAsync(WebSocketCloseStatus status, string reason, TimeSpan timeout)
    {
        try
        {
            if (!await _sending.WaitAsync(timeout)) return;
            _closed = true;
            await socket.CloseOutputAsync(status, reason, CancellationToken.None).WaitAsync(timeout);
        }
        catch (Exception ex) when (IsGone(ex) || ex is TimeoutException)
        {
            // The client is gone, or does not read: the caller drops the socket.
        }
    }

    private ValueTask<FlushResult> SendAsync(ReadOnlyMemory<byte> message, byte[]? rented, CancellationToken ct)
    {
        // The hub never sends twice at once: a send that finds the lock taken comes after the close frame.
        if (_closed || !_sending.Wait(0))
        {
            Return(rented);
            return new(Closed);
        }
        try
        {
            var send = socket.SendAsync(message, connection.MessageType, endOfMessage: true, ct);
            if (send.IsCompletedSuccessfully)
            {
                send.GetAwaiter().GetResult();
                EndSend(rented);
                return new(Sent);
            }
            return AwaitSendAsync(send, rented);
        }
        catch (Exception ex) when (IsGone(ex))
        {
            EndSend(rented);
            return new(Gone());
        }
    }

    private async ValueTask<FlushResult> AwaitSendAsync(ValueTask send, byte[]? rented)
    {
        try
        {
            await send;
            return Sent;
        }
        catch (Exception ex) when (IsGone(ex))
        {
            return Gone();
        }
        finally
        {
            EndSend(rented);
        }
    }

    private void EndSend(byte[]? rented)
    {
        _sending.Release();
        Return(rented);
    }

    /// <summary>The client is gone or the socket is closing: nothing more can be sent, and the connection ends.</summary>
    private FlushResult Gone()
    {
        _closed = true;
        connection.Abort();
        return Closed;
    }

    private static bool IsGone(Exception ex) => ex is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException;

    private void Reserve(int sizeHint)
    {
        var needed = _buffered + Math.Max(sizeHint, 1);
        if (_buffer is not null && needed <= _buffer.Length) return;
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Max(MinimumBuffer, (_buffer?.Length ?? 0) * 2)));
        if (_buffer is not null)
        {
            _buffer.AsSpan(0, _buffered).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
        }
        _buffer = larger;
    }

    private static void Return(byte[]? rented)
    {
        if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
    }
}
