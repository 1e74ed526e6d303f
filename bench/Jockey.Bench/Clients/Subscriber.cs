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

    /// <summary>
    /// Whether an ended connection comes back as the web app's does (<see cref="BrowserReconnect"/>), resuming after the
    /// last seq it holds; set before connecting. Off, an ended connection stays ended, as a measured run wants it.
    /// </summary>
    public bool Reconnects
    {
        get => _reconnects;
        set
        {
            _reconnects = value;
            Log.KeepsBySeq = value;
        }
    }

    /// <summary>How often a reconnect failed: refused (SSE: a non-2xx answer; the hub: <c>Subscribe</c> failed) or not connected at all.</summary>
    public int Refusals => Volatile.Read(ref _refusals);

    /// <summary>How often a reconnect ended subscribed again.</summary>
    public int Resubscriptions => Volatile.Read(ref _resubscriptions);

    /// <summary>When (a <see cref="Stopwatch"/> timestamp) the server last ended the connection; 0 if it never has.</summary>
    public long DroppedAt => Interlocked.Read(ref _droppedAt);

    /// <summary>When (a <see cref="Stopwatch"/> timestamp) the last reconnect ended subscribed again; 0 if none has.</summary>
    public long ResubscribedAt => Interlocked.Read(ref _resubscribedAt);

    private bool _reconnects;
    private int _refusals;
    private int _resubscriptions;
    private long _resubscribedAt;
    private long _droppedAt;

    public abstract Task ConnectAsync(string threadId, CancellationToken ct);

    protected void CountDrop() => Interlocked.Exchange(ref _droppedAt, Stopwatch.GetTimestamp());

    protected void CountRefusal() => Interlocked.Increment(ref _refusals);

    protected void CountResubscription()
    {
        Interlocked.Exchange(ref _resubscribedAt, Stopwatch.GetTimestamp());
        Interlocked.Increment(ref _resubscriptions);
    }

    public abstract ValueTask DisposeAsync();

    protected void Receive(in EventFields ev) => Log.OnEvent(ev, Stopwatch.GetTimestamp());

    protected void Fail(Exception ex) => Interlocked.CompareExchange(ref _failure, ex, null);
}

/// <summary>The server answered a subscription with a refusal (SSE: a non-2xx status; the hub: a failed <c>Subscribe</c>).</summary>
public sealed class RefusedException(string message) : Exception(message);
