using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Jockey.ApiService.Narration;

/// <summary>A frame for one audio socket: JSON text, or a PCM chunk of a narration (its key, <see cref="NarrationKind.Key"/>, and index, for delivery stats).</summary>
internal sealed record OutgoingFrame(string? Text, ReadOnlyMemory<byte> Pcm, string? OperationId, int ChunkIndex)
{
    /// <summary>Text frames are small ASCII-like JSON; their character count stands in for their size.</summary>
    public int Size => Text?.Length ?? Pcm.Length;
}

/// <summary>
/// The frames waiting to be sent on one socket, bounded in bytes (<see cref="NarrationOptions.SocketBufferBytes"/>),
/// whatever the chunk size. An empty queue takes any frame, so one frame larger than the bound still gets through.
/// </summary>
internal sealed class SendQueue(int capacityBytes)
{
    private readonly Channel<OutgoingFrame> _frames = Channel.CreateUnbounded<OutgoingFrame>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _drained = new(0, 1);
    private readonly Lock _gate = new();
    private long _bytes;
    private bool _completed;

    /// <summary>Queues the frame if it fits now; false when it does not (or the queue is closed).</summary>
    public bool TryWrite(OutgoingFrame frame)
    {
        lock (_gate)
        {
            if (_completed || (_bytes > 0 && _bytes + frame.Size > capacityBytes)) return false;
            _bytes += frame.Size;
            return _frames.Writer.TryWrite(frame);
        }
    }

    /// <summary>Waits until the frame fits; throws <see cref="ChannelClosedException"/> once the queue is closed.</summary>
    public async ValueTask WriteAsync(OutgoingFrame frame, CancellationToken ct)
    {
        while (!TryWrite(frame))
        {
            lock (_gate)
            {
                if (_completed) throw new ChannelClosedException();
            }
            await _drained.WaitAsync(ct);
        }
    }

    /// <summary>No more frames: the reader finishes what is queued, a waiting writer gives up.</summary>
    public void Complete()
    {
        lock (_gate) _completed = true;
        _frames.Writer.TryComplete();
        Signal();
    }

    public async IAsyncEnumerable<OutgoingFrame> ReadAllAsync([EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var frame in _frames.Reader.ReadAllAsync(ct))
        {
            lock (_gate) _bytes -= frame.Size;
            Signal();
            yield return frame;
        }
    }

    private void Signal()
    {
        if (_drained.CurrentCount > 0) return;
        try
        {
            _drained.Release();
        }
        catch (SemaphoreFullException)
        {
            // Another signal got there first; one wake-up is all a waiting writer needs.
        }
    }
}
