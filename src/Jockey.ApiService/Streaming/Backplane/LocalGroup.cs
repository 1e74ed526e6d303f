using Microsoft.AspNetCore.SignalR;

namespace Jockey.ApiService.Streaming.Backplane;

/// <summary>
/// One group's members on this replica and where its logged messages stand: the position last sent to them, and
/// whether the group is deaf — a broken Redis connection lost what was published for it — until its catch-up has sent
/// what the log holds past that (<see cref="IGroupCatchUp"/>). Live messages and the catch-up take turns, so members
/// get the logged messages in their order; a live message the catch-up already sent is not sent again.
/// </summary>
internal sealed class LocalGroup(string name, bool deaf)
{
    private readonly SemaphoreSlim _turn = new(1, 1);
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
    /// since the confirmation this follows: then what the read missed is the next catch-up's. Returns how many it sent. A
    /// failed read leaves the group deaf and throws.
    /// </summary>
    public async Task<int> CatchUpAsync(IGroupCatchUp catchUp, long heldByAll, Func<bool> stillHeard, CancellationToken ct)
    {
        await _turn.WaitAsync(ct);
        try
        {
            if (!_deaf) return 0;
            var sent = 0;
            await foreach (var (position, message) in catchUp.ReadAfterAsync(name, Math.Max(_sent, heldByAll), ct))
            {
                await HubDelivery.DeliverAsync(Members, new BackplaneInvocation([], [], [new SerializedMessage(JsonProtocolName, message)]));
                _sent = position;
                sent++;
            }
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
