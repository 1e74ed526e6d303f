using System.Buffers;
using Microsoft.AspNetCore.SignalR;

namespace Jockey.ApiService.Streaming.Backplane;

/// <summary>
/// One group's members on this replica and where its logged messages stand: the position last sent to them, and
/// whether the group is deaf — a broken Redis connection lost what was published for it — until its catch-up has sent
/// what the log holds past that (<see cref="IGroupCatchUp"/>). Live messages and the catch-up take turns, so members
/// get the logged messages in their order; a live message the catch-up already sent is not sent again. A message the
/// log does not hold that comes while the group is deaf is kept (the last <see cref="MaxKept"/>) and sent after the
/// catch-up's, in the order it came, in the same write.
/// </summary>
internal sealed class LocalGroup(string name, bool deaf)
{
    /// <summary>Unlogged messages kept while deaf (a run's operation changes, a few per run); past it the oldest go.</summary>
    public const int MaxKept = 64;

    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly Queue<BackplaneInvocation> _kept = new();
    // Guards _deaf where it changes: a break never goes unseen by a catch-up that is finishing.
    private readonly Lock _state = new();
    private long _sent;
    private volatile bool _deaf = deaf;

    public string Name => name;

    public HubConnectionStore Members { get; } = new();

    public bool IsDeaf => _deaf;

    /// <summary>A broken connection: logged messages that come before the catch-up may follow a gap, and are left to it.</summary>
    public void Lose()
    {
        lock (_state) _deaf = true;
    }

    /// <summary>A message from the group's channel, in the order Redis sent them.</summary>
    public async Task DeliverAsync(BackplaneInvocation invocation, IGroupCatchUp catchUp)
    {
        var position = catchUp.PositionOf(name, JsonOf(invocation));
        await _turn.WaitAsync();
        try
        {
            if (position is { } logged)
            {
                if (_deaf || logged <= _sent) return;
                _sent = logged;
            }
            else if (_deaf)
            {
                // Sent with the catch-up: now it would only make the replica's confirmation wait behind its sends.
                if (_kept.Count == MaxKept) _kept.Dequeue();
                _kept.Enqueue(invocation);
                return;
            }
            await HubDelivery.DeliverAsync(Members, invocation);
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>
    /// Sends the members what the log holds past what every one of them has (<paramref name="heldByAll"/>, or what was
    /// last sent live if more), then hears live messages again — unless <paramref name="stillHeard"/> says a break came
    /// since the confirmation this follows: then what the read missed is the next catch-up's. The messages go to each
    /// member together, up to <see cref="BatchBytes"/> in one write (the JSON protocol delimits its records, so a
    /// connection sends them as one frame), followed by the unlogged messages kept meanwhile: one send per connection
    /// rather than one per message. Returns how many logged messages it sent. A failed read leaves the group deaf and
    /// throws.
    /// </summary>
    public async Task<int> CatchUpAsync(IGroupCatchUp catchUp, long heldByAll, Func<bool> stillHeard, CancellationToken ct)
    {
        await _turn.WaitAsync(ct);
        try
        {
            if (!_deaf) return 0;
            var (batch, last, sent) = (new ArrayBufferWriter<byte>(), 0L, 0);
            await foreach (var (position, message) in catchUp.ReadAfterAsync(name, Math.Max(_sent, heldByAll), ct))
            {
                batch.Write(message);
                (last, sent) = (position, sent + 1);
                if (batch.WrittenCount >= BatchBytes) await SendAsync(batch, last);
            }
            while (_kept.TryDequeue(out var kept))
            {
                if (kept.Excluded.Count > 0)
                {
                    await SendAsync(batch, last);
                    await HubDelivery.DeliverAsync(Members, kept);
                    continue;
                }
                batch.Write(JsonOf(kept));
                if (batch.WrittenCount >= BatchBytes) await SendAsync(batch, last);
            }
            await SendAsync(batch, last);
            lock (_state)
            {
                if (stillHeard()) _deaf = false;
            }
            return sent;
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>As much as a hub connection queues before its writes wait for the send (<c>SocketMessageWriter.PauseBytes</c>).</summary>
    private const int BatchBytes = 64 * 1024;

    private async Task SendAsync(ArrayBufferWriter<byte> batch, long last)
    {
        if (batch.WrittenCount == 0) return;
        await HubDelivery.DeliverAsync(Members, new BackplaneInvocation([], [], [new SerializedMessage(JsonProtocolName, batch.WrittenMemory.ToArray())]));
        batch.Clear();
        _sent = Math.Max(_sent, last);
    }

    private const string JsonProtocolName = "json";

    private static ReadOnlySpan<byte> JsonOf(BackplaneInvocation invocation)
    {
        foreach (var message in invocation.Messages)
        {
            if (message.ProtocolName == JsonProtocolName) return message.Serialized.Span;
        }
        return [];
    }
}
