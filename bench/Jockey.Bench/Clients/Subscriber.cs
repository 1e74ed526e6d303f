using System.Diagnostics;
using Jockey.Bench.Measure;

namespace Jockey.Bench.Clients;

public enum Transport
{
    Sse,
    SignalR,
    SocketIo,
}

/// <summary>One live client of one thread. <see cref="ConnectAsync"/> returns once it is subscribed; events then land in <see cref="Log"/>.</summary>
public abstract class Subscriber(bool endsWithOperation = false) : IAsyncDisposable
{
    private Exception? _failure;

    public DeliveryLog Log { get; } = new(endsWithOperation);

    /// <summary>Why the connection ended early, if it did (reported, never thrown into the measurement).</summary>
    public virtual Exception? Failure => _failure;

    public abstract Task ConnectAsync(string threadId, CancellationToken ct);

    public abstract ValueTask DisposeAsync();

    protected void Receive(in EventFields ev) => Log.OnEvent(ev, Stopwatch.GetTimestamp());

    protected void Fail(Exception ex) => Interlocked.CompareExchange(ref _failure, ex, null);
}
